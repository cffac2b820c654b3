/**
 * Language-model files on disk: the catalog of the data directory's {@code models/} folder, built on the GGUF
 * reader of {@link dev.persona.models.gguf} (which never loads tensors), and the generator of the tiny
 * deterministic test model that every test of the project runs against. Plain Java with no dependencies, so the
 * connector, the services and the build can all use it.
 */
package dev.persona.models;
