package dev.persona.llama;

/**
 * The settings of the local llama-server pool that an owner may change while the host runs (the console's model
 * page): {@link LlamaConnection#restartPool} applies them by restarting the processes. The other settings (binary,
 * ports, time-outs, data directory) stay as the resource adapter was configured.
 *
 * @param modelFile     the GGUF model; a relative name is looked up in the models folder of the data directory
 * @param contextSize   context size per process in tokens ({@code -c}), shared by its slots; 0 = the model's
 * @param parallelSlots parallel slots per process ({@code -np})
 * @param gpuLayers     layers offloaded to the GPU ({@code -ngl}): a number, {@code all} or {@code auto}
 * @param processes     number of llama-server processes
 */
public record PoolSettings(String modelFile, int contextSize, int parallelSlots, String gpuLayers, int processes) {
}
