/**
 * Language-model files on disk: the catalog of the data directory's {@code models/} folder, built on the GGUF
 * reader of {@link dev.persona.models.gguf} (which never loads tensors), the streamed upload of a file into that
 * folder, and the generator of the deterministic test models (the tiny one every test runs against, and one of a
 * real small model's size). Plain Java with no dependencies, so the connector, the services and the build can all
 * use it.
 */
package dev.persona.models;
