// The phone's Ed25519 identity for one host. localStorage holds its record under `persona-identity-<hostId>`: a JWK
// (RFC 8037: `x` = public key). Where WebCrypto has Ed25519 the private key is sealed: a non-extractable CryptoKey in
// IndexedDB (`persona-keys`, keyed by `x`) and the record says `sealed: true` and holds no `d`. Where it has not,
// @noble/ed25519 signs and the record keeps the 32-byte seed `d` (detected, never assumed). docs/identity.md, "Where
// the phone keeps its key", says what each protects against and how export works.
import * as noble from '@noble/ed25519';
import { base64url } from './bytes.js';

export const STORAGE_PREFIX = 'persona-identity-';
const FILE_FORMAT = 'persona-identity';
/** PBKDF2-SHA-256 rounds for an identity file's passphrase (OWASP's 2023 advice). */
export const FILE_ITERATIONS = 600000;
export const MIN_PASSPHRASE = 8;
const encoder = new TextEncoder();

/** Whether this WebCrypto can make Ed25519 keys (Chromium ≥ 113, Firefox ≥ 129, Safari ≥ 17; not older ones). */
export async function hasWebCryptoEd25519(subtle) {
  try {
    await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

/** DER of a PKCS #8 Ed25519 private key up to its 32-byte seed (RFC 8410, section 7). */
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
  0x04, 0x22, 0x04, 0x20);

/**
 * The public key (`x`, base64url) of a 32-byte Ed25519 seed, worked out by WebCrypto, or null where WebCrypto has no
 * Ed25519. A new phone's first visit waits for this: the native curve takes a fraction of a millisecond, where
 * @noble/ed25519 first builds its tables in JavaScript (tens of milliseconds on a phone).
 */
export async function webCryptoPublicKey(subtle, seed) {
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + seed.length);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
  try {
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
    return (await subtle.exportKey('jwk', key)).x ?? null;
  } catch {
    return null;
  } finally {
    pkcs8.fill(0);
  }
}

/** Sealed keys in IndexedDB, one record per public key: `{ x, privateKey, wrapping, iv, wrappedSeed }`. */
export class IndexedDbKeys {
  #db;

  constructor(factory = globalThis.indexedDB) {
    this.factory = factory;
  }

  async get(x) {
    const db = await this.#open();
    return (await request(db.transaction('keys').objectStore('keys').get(x))) ?? null;
  }

  async put(record) {
    const db = await this.#open();
    const transaction = db.transaction('keys', 'readwrite');
    transaction.objectStore('keys').put(record);
    await new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  }

  #open() {
    if (!this.#db) {
      const opening = this.factory.open('persona-keys', 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore('keys', { keyPath: 'x' });
      this.#db = request(opening);
    }
    return this.#db;
  }
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class PhoneIdentity {
  #record;
  #signer;
  #seed;

  constructor(hostId, record, signer, seed, implementation, saved = Promise.resolve()) {
    this.hostId = hostId;
    /** Settles once this identity is stored (at once for one that was loaded). */
    this.saved = saved;
    this.#record = record;
    this.#signer = signer;
    this.#seed = seed;
    this.implementation = implementation;
    this.publicKey = base64url.decode(record.x);
  }

  /**
   * Loads this host's identity, or makes and stores a new one. A record with a raw seed (stored before keys were
   * sealed) is sealed on the way where the browser can: the raw copy is then gone from localStorage.
   */
  static async forHost(hostId, options = {}) {
    const identity = await PhoneIdentity.signingFirst(hostId, options);
    await identity.saved;
    return identity;
  }

  /**
   * As {@link forHost}, but resolves as soon as the key can sign, before a new key is stored: `saved` then settles
   * once the key store and localStorage hold it (it rejects, and nothing is stored, when storing fails). The page
   * connects meanwhile and waits for `saved` only before it pairs: a phone never pairs a key it could lose.
   */
  static async signingFirst(hostId, { storage = globalThis.localStorage, subtle = globalThis.crypto.subtle,
    keys = new IndexedDbKeys() } = {}) {
    const stored = storage.getItem(STORAGE_PREFIX + hostId);
    if (stored) {
      const record = parseRecord(JSON.parse(stored));
      if (record.sealed) {
        return PhoneIdentity.#unseal(hostId, record, subtle, keys);
      }
      return PhoneIdentity.#open(hostId, record, { storage, subtle, keys });
    }
    const seed = noble.utils.randomSecretKey();
    const native = await webCryptoPublicKey(subtle, seed);
    const record = { kty: 'OKP', crv: 'Ed25519', x: native ?? base64url.encode(await noble.getPublicKeyAsync(seed)),
      d: base64url.encode(seed), created: new Date().toISOString() };
    return PhoneIdentity.#open(hostId, record, { storage, subtle, keys }, native !== null);
  }

  /**
   * Seals a record with a raw seed where WebCrypto has Ed25519, stores it, and opens it; the identity's `saved`
   * settles when it is stored.
   *
   * @param ed25519 whether WebCrypto has Ed25519, when the caller knows already
   */
  static async #open(hostId, record, { storage, subtle, keys }, ed25519 = undefined) {
    const key = STORAGE_PREFIX + hostId;
    if (!(ed25519 ?? await hasWebCryptoEd25519(subtle))) {
      storage.setItem(key, JSON.stringify(record));
      const seed = base64url.decode(record.d);
      return new PhoneIdentity(hostId, record, (bytes) => noble.signAsync(bytes, seed), null, 'noble');
    }
    const privateKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: record.x, d: record.d },
      { name: 'Ed25519' }, false, ['sign']);
    const wrapping = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const wrappedSeed = await subtle.encrypt({ name: 'AES-GCM', iv }, wrapping, base64url.decode(record.d));
    const entry = { x: record.x, privateKey, wrapping, iv, wrappedSeed };
    const sealed = { kty: 'OKP', crv: 'Ed25519', x: record.x, created: record.created, sealed: true };
    // Only once the key store holds the key does the raw copy go.
    const saved = keys.put(entry).then(() => storage.setItem(key, JSON.stringify(sealed)));
    return PhoneIdentity.#sealedIdentity(hostId, sealed, entry, subtle, saved);
  }

  static async #unseal(hostId, record, subtle, keys) {
    const sealed = await keys.get(record.x);
    if (!sealed) {
      throw new Error('This phone’s key for the host is missing from the browser’s key store (IndexedDB was '
        + 'cleared?). Import its identity file from the menu (☰), or pair again with a new invite.');
    }
    return PhoneIdentity.#sealedIdentity(hostId, record, sealed, subtle);
  }

  /** The identity whose key is the key store's entry `sealed` (as stored, or as just read back). */
  static #sealedIdentity(hostId, record, sealed, subtle, saved = Promise.resolve()) {
    const signer = async (bytes) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, sealed.privateKey, bytes));
    const seed = async () => new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, sealed.wrapping,
      sealed.wrappedSeed));
    return new PhoneIdentity(hostId, record, signer, seed, 'webcrypto', saved);
  }

  /** An Ed25519 signature (64 bytes) of `bytes`. */
  sign(bytes) {
    return this.#signer(bytes);
  }

  /**
   * The identity as a file's text, to move it to another browser: the private key, encrypted under `passphrase`
   * (PBKDF2-SHA-256, AES-GCM). Only the owner of the phone should call this, after being asked (client.js).
   */
  async exportFile(passphrase, { subtle = globalThis.crypto.subtle } = {}) {
    if (typeof passphrase !== 'string' || [...passphrase].length < MIN_PASSPHRASE) {
      throw new Error(`The passphrase needs at least ${MIN_PASSPHRASE} characters.`);
    }
    const d = this.#seed ? base64url.encode(await this.#seed()) : this.#record.d;
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: this.#record.x, d, created: this.#record.created };
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const key = await fileKey(subtle, passphrase, salt, FILE_ITERATIONS);
    const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, key,
      encoder.encode(JSON.stringify(jwk))));
    return JSON.stringify({ format: FILE_FORMAT, version: 2, hostId: this.hostId, x: jwk.x,
      encrypted: { kdf: 'PBKDF2-SHA-256', iterations: FILE_ITERATIONS, salt: base64url.encode(salt),
        cipher: 'AES-256-GCM', iv: base64url.encode(iv), ciphertext: base64url.encode(ciphertext) } }, null, 2);
  }

  /** Whether an identity file needs a passphrase to import (version 2); throws when it is no identity file. */
  static needsPassphrase(text) {
    return readFile(text).version === 2;
  }

  /**
   * Stores an exported identity for its host, replacing the one there (sealed where the browser can), and opens
   * it; throws with a message for the user on anything else, and then changes nothing.
   */
  static async importFile(text, { passphrase, storage = globalThis.localStorage, subtle = globalThis.crypto.subtle,
    keys = new IndexedDbKeys() } = {}) {
    const file = readFile(text);
    let jwk = file.jwk;
    if (file.version === 2) {
      const e = file.encrypted;
      if (typeof passphrase !== 'string' || !e || e.kdf !== 'PBKDF2-SHA-256' || e.cipher !== 'AES-256-GCM'
        || !Number.isSafeInteger(e.iterations) || e.iterations < 100000 || e.iterations > 10000000) {
        throw new Error(typeof passphrase === 'string' ? 'This identity file is damaged.'
          : 'This identity file needs its passphrase.');
      }
      try {
        const key = await fileKey(subtle, passphrase, base64url.decode(e.salt), e.iterations);
        const plain = await subtle.decrypt({ name: 'AES-GCM', iv: base64url.decode(e.iv) }, key,
          base64url.decode(e.ciphertext));
        jwk = JSON.parse(new TextDecoder().decode(plain));
      } catch {
        throw new Error('The passphrase does not open this identity file.');
      }
    }
    const record = parseRecord(jwk);
    if (record.sealed) {
      throw new Error('This is not a Persona identity file.');
    }
    const derived = await noble.getPublicKeyAsync(base64url.decode(record.d));
    if (base64url.encode(derived) !== record.x) {
      throw new Error('The identity file is damaged: its public key does not match its private key.');
    }
    const imported = await PhoneIdentity.#open(file.hostId, record, { storage, subtle, keys });
    await imported.saved;
    return imported;
  }
}

function readFile(text) {
  let file;
  try {
    file = JSON.parse(text);
  } catch {
    throw new Error('This is not a Persona identity file (it is not JSON).');
  }
  if (file?.format !== FILE_FORMAT || (file.version !== 1 && file.version !== 2) || typeof file.hostId !== 'string') {
    throw new Error('This is not a Persona identity file.');
  }
  return file;
}

async function fileKey(subtle, passphrase, salt, iterations) {
  const material = await subtle.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false,
    ['deriveKey']);
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** A stored record: sealed (public key only) or with the raw seed `d`; throws when it is neither. */
function parseRecord(jwk) {
  const okp = jwk && jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string'
    && base64url.decode(jwk.x).length === 32;
  if (okp && jwk.sealed === true && jwk.d === undefined) {
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, created: jwk.created, sealed: true };
  }
  if (!okp || typeof jwk.d !== 'string' || base64url.decode(jwk.d).length !== 32) {
    throw new Error('The stored identity is not an Ed25519 JWK with x and d of 32 bytes each.');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, created: jwk.created };
}
