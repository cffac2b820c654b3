/**
 * The llama connector against direct HTTP to the same llama-server: tokens per second, time to first token,
 * start-up time and JVM memory per open stream. The connector runs as its resource adapter outside any container,
 * driven through its SPI with a minimal {@link jakarta.resource.spi.BootstrapContext}, as its own tests drive it.
 */
package dev.persona.bench.connector;
