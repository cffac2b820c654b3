import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import * as noble from '@noble/ed25519';
import { base64url } from '../src/bytes.js';
import { keyIdOf, publicKeyOf } from '../src/key-id.js';
import { ImpostorError, PhoneHandshake, statement, verifySignature } from '../src/phone-handshake.js';

// The vectors the Java tests check too (persona-ejb HostHandshakeTest).
const vectors = JSON.parse(readFileSync(new URL('../../../../../docs/vectors/handshake-vectors.json', import.meta.url)));
const hex = (text) => Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));

test('key ids of the vector keys match the Java encoding and decode back', async () => {
  const hostKey = await noble.getPublicKeyAsync(hex(vectors.hostSeed));
  assert.equal(keyIdOf(hostKey), vectors.hostId);
  assert.deepEqual(publicKeyOf(vectors.hostId), hostKey);
  assert.throws(() => publicKeyOf(vectors.hostId.slice(0, -1) + 'b'), /not canonical/);
  assert.throws(() => publicKeyOf('k1' + '1'.repeat(52)), /only a-z and 2-7/);
});

test('statements are byte for byte those of the vectors', () => {
  const args = [vectors.hostId, vectors.phoneId, base64url.decode(vectors.phoneChallenge),
    base64url.decode(vectors.hostChallenge)];
  assert.equal(new TextDecoder().decode(statement('host', ...args)), vectors.hostStatement);
  assert.equal(new TextDecoder().decode(statement('phone', ...args)), vectors.phoneStatement);
});

test('the vector signatures verify with WebCrypto and with the JS fallback, and a changed byte does not', async () => {
  const message = new TextEncoder().encode(vectors.hostStatement);
  const signature = base64url.decode(vectors.hostSignature);
  const key = publicKeyOf(vectors.hostId);
  assert.ok(await verifySignature(key, message, signature, webcrypto.subtle));
  const noEd25519 = { importKey: async () => { throw new DOMException('no', 'NotSupportedError'); } };
  assert.ok(await verifySignature(key, message, signature, noEd25519));
  signature[0] ^= 1;
  assert.equal(await verifySignature(key, message, signature, webcrypto.subtle), false);
  assert.equal(await verifySignature(key, message, signature, noEd25519), false);
});

/** A phone identity with a fixed seed, signing with noble (deterministic, like the browser's). */
const phoneIdentity = {
  publicKey: await noble.getPublicKeyAsync(hex(vectors.phoneSeed)),
  sign: (bytes) => noble.signAsync(bytes, hex(vectors.phoneSeed)),
};

async function hostWelcome(hello, hostSeed = hex(vectors.hostSeed)) {
  const hostChallenge = webcrypto.getRandomValues(new Uint8Array(32));
  const signed = statement('host', hello.host, hello.device, base64url.decode(hello.challenge), hostChallenge);
  return { type: 'welcome', host: hello.host, challenge: base64url.encode(hostChallenge),
    signature: base64url.encode(await noble.signAsync(signed, hostSeed)) };
}

test('against the real host key the phone proves itself over both challenges', async () => {
  const handshake = new PhoneHandshake(phoneIdentity, vectors.hostId, { invite: 'code', name: 'test' });
  const hello = handshake.hello();
  assert.equal(hello.device, vectors.phoneId);
  assert.equal(hello.invite, 'code');
  const welcome = await hostWelcome(hello);
  const proof = await handshake.answer(welcome);
  const signed = statement('phone', vectors.hostId, vectors.phoneId, base64url.decode(hello.challenge),
    base64url.decode(welcome.challenge));
  assert.ok(await noble.verifyAsync(base64url.decode(proof.signature), signed, phoneIdentity.publicKey));
});

test('an impostor without the host key is detected and gets no proof', async () => {
  const handshake = new PhoneHandshake(phoneIdentity, vectors.hostId);
  const forged = await hostWelcome(handshake.hello(), hex('03'.repeat(32)));
  await assert.rejects(handshake.answer(forged), ImpostorError);
});

test('a welcome replayed from another session is refused', async () => {
  const earlier = new PhoneHandshake(phoneIdentity, vectors.hostId);
  const recorded = await hostWelcome(earlier.hello());
  const now = new PhoneHandshake(phoneIdentity, vectors.hostId);
  now.hello();
  await assert.rejects(now.answer(recorded), ImpostorError);
});
