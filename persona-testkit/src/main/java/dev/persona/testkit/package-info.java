/**
 * The test kit: what drives the assembled host from outside as a user, a phone or the owner would, shared by the
 * integration tests (persona-ear) and the benchmarks (bench). {@link dev.persona.testkit.PersonaHost} starts and
 * stops a host through {@code ./persona} with a data directory and ports of its own and reads the launcher's
 * output; {@link dev.persona.testkit.JavaPhone} is a phone in Java over the real signaling and WebRTC paths;
 * {@link dev.persona.testkit.PhonePage} drives the phone page in headless Chromium, on loopback or on a
 * {@link dev.persona.testkit.PhoneNetwork} of namespaces as a phone on another subnet sees the host;
 * {@link dev.persona.testkit.OwnerDesk} does the owner's actions through a servlet deployed into the test host only;
 * {@link dev.persona.testkit.PageLoad} counts what a first visit of the phone page transfers; {@link
 * dev.persona.testkit.CoturnServer} runs a real TURN server in a network namespace of its own. Test scope only: no
 * product module depends on it.
 */
package dev.persona.testkit;
