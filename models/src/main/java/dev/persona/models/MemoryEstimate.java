package dev.persona.models;

import dev.persona.models.gguf.GgufFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How much memory llama-server needs for a model at a context size and a number of processes, from the GGUF
 * header: the weights once (every process maps the same file, so the page cache holds them once), and per process
 * its KV cache ({@code 2 × layers × context × KV heads × head size} at 2 bytes, llama-server's default F16 cache)
 * plus a compute buffer. An estimate to warn the owner before a start that cannot succeed, not an exact figure.
 *
 * @param weights     bytes of the tensors (the file's size)
 * @param kvCache     bytes of one process's KV cache at the context size
 * @param perProcess  KV cache and compute buffer of one process
 * @param total       weights plus {@code processes × perProcess}
 */
public record MemoryEstimate(long weights, long kvCache, long perProcess, long total) {

    /** llama.cpp's compute buffers: a share of the weights, at least this much. */
    private static final long MIN_COMPUTE = 64L << 20;

    /**
     * @param contextSize tokens of context per process (llama-server's {@code -c}); 0 means the model's trained length
     * @param processes   llama-server processes
     */
    public static MemoryEstimate of(GgufFile model, long contextSize, int processes) {
        String arch = model.architecture().orElse("llama");
        var meta = model.metadata();
        long layers = meta.getLong(arch + ".block_count").orElse(0);
        long embedding = meta.getLong(arch + ".embedding_length").orElse(0);
        long heads = meta.getLong(arch + ".attention.head_count").orElse(1);
        long kvHeads = meta.getLong(arch + ".attention.head_count_kv").orElse(heads);
        long headSize = embedding / Math.max(1, heads);
        long keySize = meta.getLong(arch + ".attention.key_length").orElse(headSize);
        long valueSize = meta.getLong(arch + ".attention.value_length").orElse(headSize);
        long context = contextSize > 0 ? contextSize : meta.getLong(arch + ".context_length").orElse(4096);
        long kv = layers * context * kvHeads * (keySize + valueSize) * 2; // F16: 2 bytes per value
        long compute = Math.max(MIN_COMPUTE, model.fileSize() / 10);
        long perProcess = kv + compute;
        return new MemoryEstimate(model.fileSize(), kv, perProcess, model.fileSize() + processes * perProcess);
    }

    /** {@code MemAvailable} of {@code /proc/meminfo} (Linux), in bytes; empty where it cannot be read. */
    public static OptionalLong availableMemory() {
        return availableMemory(Path.of("/proc/meminfo"));
    }

    static OptionalLong availableMemory(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Whether it fits into {@code available} bytes. */
    public boolean fits(long available) {
        return total <= available;
    }

    /** e.g. "about 1.4 GiB (weights 263.7 MiB, 2 × 576.0 MiB for context and compute)". */
    public String describe(int processes) {
        return "about " + ModelUpload.size(total) + " (weights " + ModelUpload.size(weights) + ", " + processes
                + " × " + ModelUpload.size(perProcess) + " for context and compute)";
    }
}
