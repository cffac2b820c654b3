import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as noble from '@noble/ed25519';
import { proofMessage, proofToken } from '../src/signaling-token.js';
import { fingerprintOf, keyIdOf } from '../src/key-id.js';

// The vectors the Java signaling tests check too (persona-signaling IdentityVectorsTest).
const vectors = JSON.parse(readFileSync(new URL('../../../../../docs/vectors/identity-vectors.json', import.meta.url)));
const hex = (text) => Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));

test('key ids of every vector key match the Java encoding', async () => {
  for (const key of vectors.keyIds) {
    assert.equal(keyIdOf(await noble.getPublicKeyAsync(hex(key.seed))), key.id, key.name);
  }
});

test('fingerprints of every vector key match the Java ones', async () => {
  for (const key of vectors.keyIds) {
    assert.equal(await fingerprintOf(hex(key.publicKey)), key.fingerprint, key.name);
  }
});

test('tokens and signed messages of the accepted vectors are reproduced byte for byte', async () => {
  const accepted = vectors.proofs.filter((p) => p.outcomes[0] === 'ACCEPTED');
  assert.equal(accepted.length, 5, 'the five accepted vectors');
  for (const proof of accepted) {
    const message = proofMessage(proof.id, proof.origin, proof.timestamp, proof.nonce);
    assert.equal(new TextDecoder().decode(message), proof.message, proof.name);
    const identity = { sign: (bytes) => noble.signAsync(bytes, hex(proof.seed)) };
    const token = await proofToken(identity, proof.id, proof.origin, { timestamp: proof.timestamp, nonce: proof.nonce });
    assert.equal(token, proof.token, proof.name);
  }
});
