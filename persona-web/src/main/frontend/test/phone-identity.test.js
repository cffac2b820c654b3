import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { PhoneIdentity, STORAGE_PREFIX, hasWebCryptoEd25519 } from '../src/phone-identity.js';

/** localStorage as the browser has it, in memory. */
class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  keys() { return [...this.#items.keys()]; }
}

/** WebCrypto of a browser without Ed25519 (older Safari/Chrome): every Ed25519 call fails as there. */
const subtleWithoutEd25519 = new Proxy(webcrypto.subtle, {
  get(target, name) {
    const real = target[name].bind(target);
    return async (...args) => {
      const algorithm = args.find((a) => a && (a === 'Ed25519' || a.name === 'Ed25519'));
      if (algorithm) throw new DOMException('Unrecognized algorithm name', 'NotSupportedError');
      return real(...args);
    };
  },
});

async function verifies(publicKey, message, signature) {
  const key = await webcrypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return webcrypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

const message = new TextEncoder().encode('challenge from the host');

test('detects Ed25519 support instead of assuming it', async () => {
  assert.equal(await hasWebCryptoEd25519(webcrypto.subtle), true);
  assert.equal(await hasWebCryptoEd25519(subtleWithoutEd25519), false);
});

test('a new identity is stored per host under persona-identity-<hostId> as an Ed25519 JWK', async () => {
  const storage = new MemoryStorage();
  const identity = await PhoneIdentity.forHost('hostA', { storage, subtle: webcrypto.subtle });
  assert.equal(identity.implementation, 'webcrypto');
  assert.deepEqual(storage.keys(), [STORAGE_PREFIX + 'hostA']);
  const jwk = JSON.parse(storage.getItem(STORAGE_PREFIX + 'hostA'));
  assert.equal(jwk.kty, 'OKP');
  assert.equal(jwk.crv, 'Ed25519');
  assert.equal(identity.publicKey.length, 32);
  assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
});

test('the same host gets the same identity back; another host gets another', async () => {
  const storage = new MemoryStorage();
  const first = await PhoneIdentity.forHost('hostA', { storage, subtle: webcrypto.subtle });
  const again = await PhoneIdentity.forHost('hostA', { storage, subtle: webcrypto.subtle });
  const other = await PhoneIdentity.forHost('hostB', { storage, subtle: webcrypto.subtle });
  assert.deepEqual(again.publicKey, first.publicKey);
  assert.notDeepEqual(other.publicKey, first.publicKey);
});

test('without WebCrypto Ed25519 the JS fallback makes and uses the identity', async () => {
  const storage = new MemoryStorage();
  const identity = await PhoneIdentity.forHost('hostA', { storage, subtle: subtleWithoutEd25519 });
  assert.equal(identity.implementation, 'noble');
  assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
});

test('both implementations read the same record and sign identically (Ed25519 is deterministic)', async () => {
  const storage = new MemoryStorage();
  const made = await PhoneIdentity.forHost('hostA', { storage, subtle: subtleWithoutEd25519 });
  const loaded = await PhoneIdentity.forHost('hostA', { storage, subtle: webcrypto.subtle });
  assert.equal(loaded.implementation, 'webcrypto');
  assert.deepEqual(await loaded.sign(message), await made.sign(message));
});

test('an exported identity imports into another browser and keeps its key', async () => {
  const phone = await PhoneIdentity.forHost('hostA', { storage: new MemoryStorage(), subtle: webcrypto.subtle });
  const tablet = new MemoryStorage();
  const moved = await PhoneIdentity.importFile(phone.exportFile(), { storage: tablet, subtle: webcrypto.subtle });
  assert.equal(moved.hostId, 'hostA');
  assert.deepEqual(moved.publicKey, phone.publicKey);
  assert.ok(tablet.getItem(STORAGE_PREFIX + 'hostA'));
});

test('damaged or foreign files are refused with a clear message and change nothing', async () => {
  const storage = new MemoryStorage();
  const options = { storage, subtle: webcrypto.subtle };
  await assert.rejects(PhoneIdentity.importFile('not json', options), /not JSON/);
  await assert.rejects(PhoneIdentity.importFile('{"format":"other"}', options), /not a Persona identity file/);
  const phone = await PhoneIdentity.forHost('hostA', { storage: new MemoryStorage(), subtle: webcrypto.subtle });
  const file = JSON.parse(phone.exportFile());
  const stranger = await PhoneIdentity.forHost('hostZ', { storage: new MemoryStorage(), subtle: webcrypto.subtle });
  file.jwk.x = JSON.parse(stranger.exportFile()).jwk.x;
  await assert.rejects(PhoneIdentity.importFile(JSON.stringify(file), options), /does not match/);
  assert.deepEqual(storage.keys(), []);
});

test('a corrupted stored record is reported, not silently replaced', async () => {
  const storage = new MemoryStorage();
  storage.setItem(STORAGE_PREFIX + 'hostA', JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'def' }));
  await assert.rejects(PhoneIdentity.forHost('hostA', { storage, subtle: webcrypto.subtle }), /32 bytes/);
  assert.equal(JSON.parse(storage.getItem(STORAGE_PREFIX + 'hostA')).x, 'abc');
});
