/**
 * Black-box integration tests of the assembled host: each starts the real WildFly in {@code target/server} with
 * the real EAR through the real launcher ({@code ./persona}), with its own data directory and ports, and talks to
 * it over HTTP(S) as a phone or the owner would.
 */
package dev.persona.it;
