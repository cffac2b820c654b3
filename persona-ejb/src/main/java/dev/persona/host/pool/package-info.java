/**
 * The llama pool as the console sees it: {@link dev.persona.host.pool.LlamaPool} reads the processes with their
 * slots and the pool's current model and sizes from the llama connector, and restarts the pool with new ones. It
 * answers in plain records of its own, so the web module presents the pool without depending on the connector.
 */
package dev.persona.host.pool;
