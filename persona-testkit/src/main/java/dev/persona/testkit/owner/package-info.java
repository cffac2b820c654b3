/**
 * What the host's owner does, for tests that need it before the console can do it: a servlet deployed into the test
 * host only (never into the product) by {@link dev.persona.testkit.OwnerDesk}.
 */
package dev.persona.testkit.owner;
