/**
 * The GGUF file format of llama.cpp: a reader that parses the header, metadata and tensor descriptions while
 * refusing hostile input with a {@link dev.persona.models.gguf.GgufFormatException}, and a writer for version 3
 * files with F32 and F16 tensor data. Tensor data is never loaded by the reader.
 */
package dev.persona.models.gguf;
