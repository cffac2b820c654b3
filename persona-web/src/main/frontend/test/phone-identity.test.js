import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import * as noble from '@noble/ed25519';
import { PhoneIdentity, STORAGE_PREFIX, hasWebCryptoEd25519, webCryptoPublicKey } from '../src/phone-identity.js';
import { base64url } from '../src/bytes.js';

/** localStorage as the browser has it, in memory. */
class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  keys() { return [...this.#items.keys()]; }
}

/** The IndexedDB key store, in memory (CryptoKey objects as IndexedDB keeps them). */
class MemoryKeys {
  #records = new Map();
  async get(x) { return this.#records.get(x) ?? null; }
  async put(record) { this.#records.set(record.x, record); }
  keys() { return [...this.#records.keys()]; }
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

const browser = () => ({ storage: new MemoryStorage(), keys: new MemoryKeys(), subtle: webcrypto.subtle });
const oldBrowser = () => ({ storage: new MemoryStorage(), keys: new MemoryKeys(), subtle: subtleWithoutEd25519 });
const record = (options, hostId) => JSON.parse(options.storage.getItem(STORAGE_PREFIX + hostId));

async function verifies(publicKey, message, signature) {
  const key = await webcrypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return webcrypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

const message = new TextEncoder().encode('challenge from the host');

test('detects Ed25519 support instead of assuming it', async () => {
  assert.equal(await hasWebCryptoEd25519(webcrypto.subtle), true);
  assert.equal(await hasWebCryptoEd25519(subtleWithoutEd25519), false);
});

test('a seed\'s public key by WebCrypto is the curve\'s: RFC 8032 test 1, random seeds as noble has it', async () => {
  const hex = (text) => Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
  const rfc8032 = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  assert.equal(await webCryptoPublicKey(webcrypto.subtle, rfc8032),
    base64url.encode(hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')));
  for (let i = 0; i < 8; i++) {
    const seed = noble.utils.randomSecretKey();
    assert.equal(await webCryptoPublicKey(webcrypto.subtle, seed),
      base64url.encode(await noble.getPublicKeyAsync(seed)));
  }
  assert.equal(await webCryptoPublicKey(subtleWithoutEd25519, rfc8032), null);
});

test('a new sealed identity signs at once, without reading the key store back', async () => {
  const options = browser();
  let reads = 0;
  const get = options.keys.get.bind(options.keys);
  options.keys.get = async (x) => { reads++; return get(x); };
  const identity = await PhoneIdentity.forHost('hostA', options);
  assert.equal(reads, 0);
  assert.equal(identity.implementation, 'webcrypto');
  assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
  const again = await PhoneIdentity.forHost('hostA', options);
  assert.equal(reads, 1, 'a later load reads the sealed key from the store');
  assert.deepEqual(again.publicKey, identity.publicKey);
});

test('signingFirst: a new key signs before it is stored; saved settles once both stores hold it', async () => {
  const options = browser();
  let storeKey;
  const stored = new Promise((resolve) => { storeKey = resolve; });
  const put = options.keys.put.bind(options.keys);
  options.keys.put = async (entry) => { await stored; return put(entry); }; // a key store that takes its time
  const identity = await PhoneIdentity.signingFirst('hostA', options);
  assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
  let saved = false;
  identity.saved.then(() => { saved = true; });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(saved, false, 'not saved while the key store has not taken the key');
  assert.equal(options.storage.getItem(STORAGE_PREFIX + 'hostA'), null, 'no record before the key store has it');
  storeKey();
  await identity.saved;
  assert.equal(record(options, 'hostA').sealed, true);
  const again = await PhoneIdentity.signingFirst('hostA', options);
  assert.deepEqual(again.publicKey, identity.publicKey);
  await again.saved; // a loaded identity is saved at once
});

test('signingFirst: when the key store refuses the key, saved rejects and nothing is stored', async () => {
  const options = browser();
  options.keys.put = async () => { throw new DOMException('The quota was exceeded.', 'QuotaExceededError'); };
  const identity = await PhoneIdentity.signingFirst('hostA', options);
  await assert.rejects(identity.saved, /quota/);
  assert.equal(options.storage.getItem(STORAGE_PREFIX + 'hostA'), null);
  await assert.rejects(PhoneIdentity.forHost('hostB', options), /quota/, 'forHost waits for the store and fails');
});

test('with WebCrypto Ed25519 a new identity is sealed: storage has the public key only, the key cannot be exported',
  async () => {
    const options = browser();
    const identity = await PhoneIdentity.forHost('hostA', options);
    assert.equal(identity.implementation, 'webcrypto');
    assert.deepEqual(options.storage.keys(), [STORAGE_PREFIX + 'hostA']);
    const stored = record(options, 'hostA');
    assert.deepEqual(Object.keys(stored).sort(), ['created', 'crv', 'kty', 'sealed', 'x']);
    assert.equal(stored.sealed, true);
    assert.deepEqual(options.keys.keys(), [stored.x]);
    const sealed = await options.keys.get(stored.x);
    assert.equal(sealed.privateKey.extractable, false);
    assert.equal(sealed.wrapping.extractable, false);
    await assert.rejects(webcrypto.subtle.exportKey('jwk', sealed.privateKey));
    assert.equal(identity.publicKey.length, 32);
    assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
  });

test('the same host gets the same identity back; another host gets another', async () => {
  const options = browser();
  const first = await PhoneIdentity.forHost('hostA', options);
  const again = await PhoneIdentity.forHost('hostA', options);
  const other = await PhoneIdentity.forHost('hostB', options);
  assert.deepEqual(again.publicKey, first.publicKey);
  assert.notDeepEqual(other.publicKey, first.publicKey);
});

test('without WebCrypto Ed25519 the JS fallback makes and uses the identity, its seed in storage as before',
  async () => {
    const options = oldBrowser();
    const identity = await PhoneIdentity.forHost('hostA', options);
    assert.equal(identity.implementation, 'noble');
    assert.equal(typeof record(options, 'hostA').d, 'string');
    assert.deepEqual(options.keys.keys(), []);
    assert.ok(await verifies(identity.publicKey, message, await identity.sign(message)));
  });

test('a raw key stored before sealing is sealed on first load: same key, same signatures, raw copy gone', async () => {
  const options = browser();
  const made = await PhoneIdentity.forHost('hostA', { ...options, subtle: subtleWithoutEd25519 });
  const raw = record(options, 'hostA');
  assert.equal(typeof raw.d, 'string');

  const loaded = await PhoneIdentity.forHost('hostA', options);
  assert.equal(loaded.implementation, 'webcrypto');
  assert.deepEqual(loaded.publicKey, made.publicKey);
  assert.deepEqual(await loaded.sign(message), await made.sign(message));
  const migrated = record(options, 'hostA');
  assert.equal(migrated.d, undefined);
  assert.equal(migrated.sealed, true);
  assert.equal(migrated.x, raw.x);
  assert.equal(migrated.created, raw.created);
  assert.ok(!options.storage.getItem(STORAGE_PREFIX + 'hostA').includes(raw.d), 'no trace of the seed');
});

test('a sealed record whose key store entry is gone is reported with what to do', async () => {
  const options = browser();
  await PhoneIdentity.forHost('hostA', options);
  await assert.rejects(PhoneIdentity.forHost('hostA', { ...options, keys: new MemoryKeys() }),
    /missing from the browser’s key store.*Import its identity file/);
});

test('an exported identity is encrypted under the passphrase and imports into another browser with it', async () => {
  const phone = await PhoneIdentity.forHost('hostA', browser());
  const text = await phone.exportFile('correct horse');
  const file = JSON.parse(text);
  assert.equal(file.format, 'persona-identity');
  assert.equal(file.version, 2);
  assert.equal(file.jwk, undefined);
  assert.equal(PhoneIdentity.needsPassphrase(text), true);

  const tablet = browser();
  await assert.rejects(PhoneIdentity.importFile(text, tablet), /needs its passphrase/);
  await assert.rejects(PhoneIdentity.importFile(text, { ...tablet, passphrase: 'wrong horse' }),
    /passphrase does not open/);
  assert.deepEqual(tablet.storage.keys(), []);
  const moved = await PhoneIdentity.importFile(text, { ...tablet, passphrase: 'correct horse' });
  assert.equal(moved.hostId, 'hostA');
  assert.equal(moved.implementation, 'webcrypto');
  assert.deepEqual(moved.publicKey, phone.publicKey);
  assert.deepEqual(await moved.sign(message), await phone.sign(message));
  assert.equal(record(tablet, 'hostA').d, undefined, 'sealed in the new browser too');

  const old = oldBrowser();
  const fallback = await PhoneIdentity.importFile(text, { ...old, passphrase: 'correct horse' });
  assert.equal(fallback.implementation, 'noble');
  assert.deepEqual(await fallback.sign(message), await phone.sign(message));
  assert.ok(await verifies(phone.publicKey, message, await (await PhoneIdentity.importFile(
    await fallback.exportFile('another passphrase'), { ...browser(), passphrase: 'another passphrase' }))
    .sign(message)), 'a fallback phone exports as well');
});

test('a short passphrase is refused before anything is written', async () => {
  const phone = await PhoneIdentity.forHost('hostA', browser());
  await assert.rejects(phone.exportFile('short'), /at least 8 characters/);
  await assert.rejects(phone.exportFile(undefined), /at least 8 characters/);
});

test('a file exported before files were encrypted (version 1, plain JWK) still imports', async () => {
  const old = oldBrowser();
  const phone = await PhoneIdentity.forHost('hostA', old);
  const text = JSON.stringify({ format: 'persona-identity', version: 1, hostId: 'hostA', jwk: record(old, 'hostA') });
  assert.equal(PhoneIdentity.needsPassphrase(text), false);
  const moved = await PhoneIdentity.importFile(text, browser());
  assert.deepEqual(moved.publicKey, phone.publicKey);
});

test('damaged or foreign files are refused with a clear message and change nothing', async () => {
  const options = browser();
  await assert.rejects(PhoneIdentity.importFile('not json', options), /not JSON/);
  await assert.rejects(PhoneIdentity.importFile('{"format":"other"}', options), /not a Persona identity file/);
  const old = oldBrowser();
  await PhoneIdentity.forHost('hostA', old);
  const stranger = await PhoneIdentity.forHost('hostZ', browser());
  const jwk = { ...record(old, 'hostA'), x: base64(stranger.publicKey) };
  const file = { format: 'persona-identity', version: 1, hostId: 'hostA', jwk };
  await assert.rejects(PhoneIdentity.importFile(JSON.stringify(file), options), /does not match/);
  const sealedOnly = { format: 'persona-identity', version: 1, hostId: 'hostA', jwk: record(await sealedBrowser(),
    'hostB') };
  await assert.rejects(PhoneIdentity.importFile(JSON.stringify(sealedOnly), options), /not a Persona identity file/);
  assert.deepEqual(options.storage.keys(), []);
  assert.deepEqual(options.keys.keys(), []);
});

test('a corrupted stored record is reported, not silently replaced', async () => {
  const storage = new MemoryStorage();
  storage.setItem(STORAGE_PREFIX + 'hostA', JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'def' }));
  await assert.rejects(PhoneIdentity.forHost('hostA', { storage, keys: new MemoryKeys(), subtle: webcrypto.subtle }),
    /32 bytes/);
  assert.equal(JSON.parse(storage.getItem(STORAGE_PREFIX + 'hostA')).x, 'abc');
});

function base64(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

async function sealedBrowser() {
  const options = browser();
  await PhoneIdentity.forHost('hostB', options);
  return options;
}
