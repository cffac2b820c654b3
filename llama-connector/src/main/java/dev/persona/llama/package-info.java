/**
 * The JCA resource adapter that owns llama-server: locating or building the binary, spawning and supervising the
 * processes through the container's WorkManager, and the connection interface that applications inject to stream
 * chat completions from them or from external OpenAI-compatible servers. It knows nothing of phones or devices.
 */
package dev.persona.llama;
