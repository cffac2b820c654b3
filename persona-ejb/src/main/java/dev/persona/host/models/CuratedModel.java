package dev.persona.host.models;

import java.util.List;

/**
 * A small chat model that llama.cpp runs well and that can call tools, offered by the console's "Get a model"
 * (docs/models.md lists them and why). The size is the hub's figure when the list was written; the download checks
 * the size and SHA-256 the hub gives at the time.
 *
 * @param title        what the console calls it
 * @param repo         the repository on the hub
 * @param file         the GGUF file in it
 * @param quantization e.g. {@code Q4_K_M}
 * @param sizeBytes    about this large
 * @param licence      the model's licence
 */
public record CuratedModel(String title, String repo, String file, String quantization, long sizeBytes,
                           String licence) {

    private static final long MB = 1_000_000L;

    /** The list, smallest first. */
    public static final List<CuratedModel> ALL = List.of(
            new CuratedModel("Qwen2.5 0.5B Instruct", "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
                    "qwen2.5-0.5b-instruct-q4_k_m.gguf", "Q4_K_M", 491 * MB, "Apache-2.0"),
            new CuratedModel("Llama 3.2 1B Instruct", "bartowski/Llama-3.2-1B-Instruct-GGUF",
                    "Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M", 808 * MB, "Llama 3.2 Community"),
            new CuratedModel("Qwen2.5 1.5B Instruct", "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
                    "qwen2.5-1.5b-instruct-q4_k_m.gguf", "Q4_K_M", 1_120 * MB, "Apache-2.0"),
            new CuratedModel("Llama 3.2 3B Instruct", "bartowski/Llama-3.2-3B-Instruct-GGUF",
                    "Llama-3.2-3B-Instruct-Q4_K_M.gguf", "Q4_K_M", 2_020 * MB, "Llama 3.2 Community"),
            new CuratedModel("Qwen2.5 3B Instruct", "Qwen/Qwen2.5-3B-Instruct-GGUF",
                    "qwen2.5-3b-instruct-q4_k_m.gguf", "Q4_K_M", 2_100 * MB, "Qwen Research"),
            new CuratedModel("Phi-3.5 mini Instruct", "bartowski/Phi-3.5-mini-instruct-GGUF",
                    "Phi-3.5-mini-instruct-Q4_K_M.gguf", "Q4_K_M", 2_390 * MB, "MIT"));
}
