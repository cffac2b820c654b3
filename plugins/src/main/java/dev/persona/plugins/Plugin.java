package dev.persona.plugins;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A plugin ready to run: its module parsed, validated and compiled to JVM bytecode once; every call makes a fresh
 * instance of it, so no state survives from one call to the next.
 */
public final class Plugin {

    private final String name;
    private final WasmModule module;
    private final Function<Instance, Machine> machines;
    private final List<ToolDeclaration> tools;

    private Plugin(String name, WasmModule module, Function<Instance, Machine> machines, List<ToolDeclaration> tools) {
        this.name = name;
        this.module = module;
        this.machines = machines;
        this.tools = List.copyOf(tools);
    }

    /**
     * Parses and compiles a WASI command module.
     *
     * @throws IllegalArgumentException if the bytes are not a valid module with a {@code _start} export and one memory
     */
    public static Plugin load(String name, byte[] wasm, List<ToolDeclaration> tools) {
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plugin " + name + " is not a valid WebAssembly module: " + e.getMessage(), e);
        }
        boolean command = module.exportSection() != null && IntStream
                .range(0, module.exportSection().exportCount())
                .anyMatch(i -> module.exportSection().getExport(i).name().equals("_start"));
        if (!command) {
            throw new IllegalArgumentException("plugin " + name + " exports no _start: build it as a WASI command (wasm32-wasip1 bin)");
        }
        if (module.memorySection().map(section -> section.memoryCount()).orElse(0) != 1) {
            throw new IllegalArgumentException("plugin " + name + " must define exactly one memory");
        }
        return new Plugin(name, module, MachineFactoryCompiler.compile(module), tools);
    }

    public String name() {
        return name;
    }

    /** The tools this plugin offers the model. */
    public List<ToolDeclaration> tools() {
        return tools;
    }

    WasmModule module() {
        return module;
    }

    Function<Instance, Machine> machines() {
        return machines;
    }

    /** The module's own memory limits capped at {@code maxPages}, or null if it starts above that cap. */
    MemoryLimits memoryLimits(int maxPages) {
        MemoryLimits declared = module.memorySection().orElseThrow().getMemory(0).limits();
        if (declared.initialPages() > maxPages) {
            return null;
        }
        return new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), maxPages));
    }
}
