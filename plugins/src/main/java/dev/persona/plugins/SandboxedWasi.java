package dev.persona.plugins;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiPreview1;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chicory's WASI preview 1 with the sandbox's own rules in front of it: writes to files count against the folder's
 * quota and fail with {@code EDQUOT} beyond it; links cannot be made, descriptors not renumbered (so a file cannot
 * take the place of stdout), and space not preallocated. Everything else is Chicory's, which already keeps paths
 * inside the preopened folder.
 */
final class SandboxedWasi {

    private static final String MODULE = "wasi_snapshot_preview1";
    private static final Set<String> REFUSED = Set.of("path_symlink", "path_link", "fd_renumber", "fd_allocate");
    private static final int FIRST_FILE_DESCRIPTOR = 3;
    /** WASI preview 1 error numbers (Chicory's own enum is not public). */
    private static final int EDQUOT = 19;
    private static final int EPERM = 63;

    private final WasiPreview1 wasi;
    private long remainingBytes;
    private boolean quotaHit;

    SandboxedWasi(WasiPreview1 wasi, long remainingBytes) {
        this.wasi = wasi;
        this.remainingBytes = remainingBytes;
    }

    /** Whether a write was refused because of the quota. */
    boolean quotaHit() {
        return quotaHit;
    }

    ImportValues imports() {
        List<HostFunction> functions = new ArrayList<>();
        for (HostFunction function : wasi.toHostFunctions()) {
            functions.add(guard(function));
        }
        return ImportValues.builder().addFunction(functions.toArray(HostFunction[]::new)).build();
    }

    private HostFunction guard(HostFunction function) {
        String name = function.name();
        WasmFunctionHandle inner = function.handle();
        WasmFunctionHandle guarded;
        if (REFUSED.contains(name)) {
            guarded = (instance, args) -> errno(EPERM);
        } else if (name.equals("fd_write") || name.equals("fd_pwrite")) {
            guarded = (instance, args) -> {
                int fd = (int) args[0];
                if (fd >= FIRST_FILE_DESCRIPTOR && !charge(requested(instance.memory(), (int) args[1], (int) args[2]))) {
                    return errno(EDQUOT);
                }
                return inner.apply(instance, args);
            };
        } else if (name.equals("fd_filestat_set_size")) {
            guarded = (instance, args) -> charge(args[1]) ? inner.apply(instance, args) : errno(EDQUOT);
        } else {
            return function;
        }
        return new HostFunction(MODULE, name, function.functionType(), guarded);
    }

    private static long requested(Memory memory, int iovecs, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += Integer.toUnsignedLong(memory.readInt(iovecs + 8 * i + 4));
        }
        return total;
    }

    private boolean charge(long bytes) {
        if (bytes > remainingBytes) {
            quotaHit = true;
            return false;
        }
        remainingBytes -= bytes;
        return true;
    }

    private static long[] errno(int errno) {
        return new long[] {errno};
    }
}
