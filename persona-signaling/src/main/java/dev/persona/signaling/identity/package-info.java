/**
 * The identity spec of {@code docs/identity.md} in code: {@link dev.persona.signaling.identity.KeyId} (an id that
 * is an Ed25519 public key), {@link dev.persona.signaling.identity.IdProof} (the signed token that proves it) and
 * {@link dev.persona.signaling.identity.ProofVerifier} (freshness, origin, signature and replay checks). Plain Java
 * and BouncyCastle only, so that every module can share it.
 */
package dev.persona.signaling.identity;
