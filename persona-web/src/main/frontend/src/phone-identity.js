// The phone's Ed25519 identity for one host, kept in localStorage under `persona-identity-<hostId>` as a JWK
// (RFC 8037: `x` = public key, `d` = 32-byte private seed), so WebCrypto and the JS fallback read the same record.
// WebCrypto signs where the browser has Ed25519; @noble/ed25519 where it has not (detected, never assumed).
import * as noble from '@noble/ed25519';
import { base64url } from './bytes.js';

export const STORAGE_PREFIX = 'persona-identity-';
const FILE_FORMAT = 'persona-identity';

/** Whether this WebCrypto can make Ed25519 keys (Chromium ≥ 113, Firefox ≥ 129, Safari ≥ 17; not older ones). */
export async function hasWebCryptoEd25519(subtle) {
  try {
    await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

export class PhoneIdentity {
  #jwk;
  #signer;

  constructor(hostId, jwk, signer, implementation) {
    this.hostId = hostId;
    this.#jwk = jwk;
    this.#signer = signer;
    this.implementation = implementation;
    this.publicKey = base64url.decode(jwk.x);
  }

  /** Loads this host's identity from storage, or makes and stores a new one. */
  static async forHost(hostId, { storage = globalThis.localStorage, subtle = globalThis.crypto.subtle } = {}) {
    const key = STORAGE_PREFIX + hostId;
    const stored = storage.getItem(key);
    let jwk;
    if (stored) {
      jwk = parseJwk(JSON.parse(stored));
    } else {
      jwk = await newJwk(subtle);
      storage.setItem(key, JSON.stringify(jwk));
    }
    return PhoneIdentity.#open(hostId, jwk, subtle);
  }

  static async #open(hostId, jwk, subtle) {
    if (await hasWebCryptoEd25519(subtle)) {
      const privateKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
        { name: 'Ed25519' }, false, ['sign']);
      const signer = async (bytes) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, privateKey, bytes));
      return new PhoneIdentity(hostId, jwk, signer, 'webcrypto');
    }
    const seed = base64url.decode(jwk.d);
    return new PhoneIdentity(hostId, jwk, (bytes) => noble.signAsync(bytes, seed), 'noble');
  }

  /** An Ed25519 signature (64 bytes) of `bytes`. */
  sign(bytes) {
    return this.#signer(bytes);
  }

  /** The identity as a file's text, to move it to another browser; it holds the private key. */
  exportFile() {
    return JSON.stringify({ format: FILE_FORMAT, version: 1, hostId: this.hostId, jwk: this.#jwk }, null, 2);
  }

  /** Stores an exported identity for its host, replacing the one there; throws on anything else. */
  static async importFile(text, { storage = globalThis.localStorage, subtle = globalThis.crypto.subtle } = {}) {
    let file;
    try {
      file = JSON.parse(text);
    } catch {
      throw new Error('This is not a Persona identity file (it is not JSON).');
    }
    if (file?.format !== FILE_FORMAT || file.version !== 1 || typeof file.hostId !== 'string') {
      throw new Error('This is not a Persona identity file.');
    }
    const jwk = parseJwk(file.jwk);
    const derived = await noble.getPublicKeyAsync(base64url.decode(jwk.d));
    if (base64url.encode(derived) !== jwk.x) {
      throw new Error('The identity file is damaged: its public key does not match its private key.');
    }
    storage.setItem(STORAGE_PREFIX + file.hostId, JSON.stringify(jwk));
    return PhoneIdentity.#open(file.hostId, jwk, subtle);
  }
}

async function newJwk(subtle) {
  if (await hasWebCryptoEd25519(subtle)) {
    const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const { x, d } = await subtle.exportKey('jwk', pair.privateKey);
    return { kty: 'OKP', crv: 'Ed25519', x, d, created: new Date().toISOString() };
  }
  const seed = noble.utils.randomSecretKey();
  const x = base64url.encode(await noble.getPublicKeyAsync(seed));
  return { kty: 'OKP', crv: 'Ed25519', x, d: base64url.encode(seed), created: new Date().toISOString() };
}

function parseJwk(jwk) {
  const ok = jwk && jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && typeof jwk.d === 'string'
    && base64url.decode(jwk.x).length === 32 && base64url.decode(jwk.d).length === 32;
  if (!ok) {
    throw new Error('The stored identity is not an Ed25519 JWK with x and d of 32 bytes each.');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, created: jwk.created };
}
