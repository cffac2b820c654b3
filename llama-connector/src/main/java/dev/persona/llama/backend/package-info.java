/**
 * Backends and routing: a {@link dev.persona.llama.backend.Backend} is one server that can take chat requests
 * (a supervised local llama-server or an external OpenAI-compatible server); the
 * {@link dev.persona.llama.backend.LlamaGateway} sends each chat to the least busy ready one and moves a request
 * that found its backend gone to the next before any token was sent.
 */
package dev.persona.llama.backend;
