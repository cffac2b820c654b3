/**
 * The test kit's lower layer (module {@code persona-testkit-base}): stand-ins for the container parts that the
 * modules below {@code persona-testkit} need in their own tests, reused by the benchmarks instead of copies.
 * {@link dev.persona.testkit.base.TestBootstrapContext} is what a container hands a resource adapter at start
 * ({@code llama-connector}'s tests, the connector benchmark); {@link dev.persona.testkit.base.EmbeddedWebServer} runs
 * one web application's servlet-context wiring in an embedded Undertow with WebSocket and JAX-RS
 * ({@code persona-signaling}'s tests, the signaling benchmark's component rows). It depends on no Persona module,
 * so those modules can test with it; {@code persona-testkit} holds everything that drives the deployed host.
 */
package dev.persona.testkit.base;
