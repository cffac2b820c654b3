package dev.persona.plugins;

import java.time.Duration;

/**
 * What one plugin call may use.
 *
 * @param timeout     wall-clock time of the call; the guest is interrupted after it
 * @param memoryBytes the most linear memory the module may grow to
 * @param outputBytes the most the module may write to stdout (its result) and stderr
 * @param folderBytes the most the persona's folder may hold; writes beyond it fail with "disk quota exceeded"
 */
public record PluginLimits(Duration timeout, long memoryBytes, int outputBytes, long folderBytes) {

    /** 5 s, 64 MiB of memory, 8 MiB of output, 64 MiB in the folder. */
    public static final PluginLimits DEFAULT = new PluginLimits(Duration.ofSeconds(5), 64L << 20, 8 << 20, 64L << 20);

    public PluginLimits {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (memoryBytes < (1 << 20) || memoryBytes > (4L << 30)) {
            throw new IllegalArgumentException("memoryBytes must be between 1 MiB and 4 GiB, not " + memoryBytes);
        }
        if (outputBytes < 1024) {
            throw new IllegalArgumentException("outputBytes must be at least 1024, not " + outputBytes);
        }
        if (folderBytes < 0) {
            throw new IllegalArgumentException("folderBytes must not be negative, not " + folderBytes);
        }
    }

    /** The memory limit in WebAssembly pages of 64 KiB. */
    int memoryPages() {
        return (int) (memoryBytes >> 16);
    }
}
