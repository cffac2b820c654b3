/**
 * The host's load over the last ten minutes (tokens per second, queue, busy slots), sampled from the llama
 * connector and the chat's line by {@link dev.persona.host.load.HostLoad}; the console charts it.
 */
package dev.persona.host.load;
