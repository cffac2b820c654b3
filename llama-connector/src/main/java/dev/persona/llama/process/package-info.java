/**
 * The local llama-server processes: settings checked before anything starts, the pool that launches one process
 * per configured instance on a loopback port with a random API key, and the supervision that waits for
 * {@code /health}, keeps the last lines of each log, restarts a dead process with back-off, stops gracefully and
 * ends strays an earlier run left behind (pid files in the data directory).
 */
package dev.persona.llama.process;
