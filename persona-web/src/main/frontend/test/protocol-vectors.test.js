import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as noble from '@noble/ed25519';
import { PhoneHandshake, statement } from '../src/phone-handshake.js';
import { summary } from '../src/tool-cards.js';

// The chat protocol's vectors, which the Java side checks too (persona-ejb FramesTest: the host writes hostToPhone
// byte for byte and binds phoneToHost; ChatServiceTest: the refused ones get their errors).
const docs = new URL('../../../../../docs/vectors/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('protocol-vectors.json', docs)));
const keys = JSON.parse(readFileSync(new URL('handshake-vectors.json', docs)));
const hex = (text) => Uint8Array.from(text.match(/../g), (b) => parseInt(b, 16));

test('every message names its type first', () => {
  for (const [name, message] of Object.entries({ ...vectors.hostToPhone, ...vectors.phoneToHost })) {
    assert.equal(Object.keys(message)[0], 'type', name);
  }
});

test("the page's hello and proof are the vectors' messages", async () => {
  const identity = { publicKey: await noble.getPublicKeyAsync(hex(keys.phoneSeed)),
    sign: (bytes) => noble.signAsync(bytes, hex(keys.phoneSeed)) };
  for (const [name, options] of [['hello', { invite: 'ABCD-EFGH', name: 'Pixel' }], ['hello-known-phone', {}]]) {
    const hello = new PhoneHandshake(identity, keys.hostId, options).hello();
    const expected = vectors.phoneToHost[name];
    assert.equal(JSON.stringify({ ...hello, challenge: expected.challenge }), JSON.stringify(expected), name);
  }
  const handshake = new PhoneHandshake(identity, keys.hostId);
  const hello = handshake.hello();
  const hostChallenge = new Uint8Array(32).fill(0x22);
  const signed = statement('host', keys.hostId, keys.phoneId, Buffer.from(hello.challenge, 'base64url'), hostChallenge);
  const welcome = { ...vectors.hostToPhone.welcome, challenge: Buffer.from(hostChallenge).toString('base64url'),
    signature: Buffer.from(await noble.signAsync(signed, hex(keys.hostSeed))).toString('base64url') };
  const proof = await handshake.answer(welcome);
  assert.deepEqual(Object.keys(proof), Object.keys(vectors.phoneToHost.proof));
});

test('a live tool call and its history card sum up alike', () => {
  const { tool, 'tool-result': result } = vectors.hostToPhone;
  const [card] = vectors.hostToPhone['history-conversation'].conversation.messages[1].tools;
  assert.equal(summary(tool, result), 'calculate · ok · 3 ms');
  assert.equal(summary(card, card), summary(tool, result));
});
