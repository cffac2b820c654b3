/**
 * Language-model files on disk: the catalog of the data directory's {@code models/} folder, built on the GGUF
 * reader of {@link dev.persona.models.gguf} (which never loads tensors); the checks every new file passes, for an
 * upload ({@link dev.persona.models.ModelUpload}) and a download from a Hugging Face–compatible hub ({@link
 * dev.persona.models.HubDownload}: resumable, checked against the hub's SHA-256); the memory a model needs ({@link
 * dev.persona.models.MemoryEstimate}); {@code ./persona models} ({@link dev.persona.models.ModelsCommand}); and the
 * generator of the deterministic test models (the tiny one every test runs against, and one of a real small
 * model's size). Plain Java with no dependencies, so the connector, the services, the command line and the build
 * can all use it.
 */
package dev.persona.models;
