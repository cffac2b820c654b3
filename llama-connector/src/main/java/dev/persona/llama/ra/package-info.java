/**
 * The JCA 2.1 resource adapter: {@link dev.persona.llama.ra.LlamaResourceAdapter} runs the process pool with the
 * container's WorkManager between start and stop; {@link dev.persona.llama.ra.LlamaManagedConnectionFactory} is
 * the outbound connection definition the container binds as {@code java:/eis/llama}, serving the local pool or a
 * list of external servers. Managed connections hold no socket of their own: they share the gateway.
 */
package dev.persona.llama.ra;
