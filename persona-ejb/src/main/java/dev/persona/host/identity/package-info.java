/**
 * The host's identities: each persona has an Ed25519 key pair whose public key is its id. Private keys are kept
 * in the database sealed (AES-256-GCM) with a key-encryption key that lives outside it, in an owner-only file of
 * the data directory, and they never leave this package: callers ask it to sign.
 */
package dev.persona.host.identity;
