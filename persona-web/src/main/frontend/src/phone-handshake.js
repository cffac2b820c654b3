// The phone's side of the data-channel handshake (docs/identity.md, "Data-channel handshake"): send a fresh
// challenge, check that the host signed it with the key the QR code named, then sign the host's challenge.
import * as noble from '@noble/ed25519';
import { base64url } from './bytes.js';
import { keyIdOf, publicKeyOf } from './key-id.js';

export const VERSION_LABEL = 'persona-handshake-v1';

/** The exact bytes a side signs: UTF-8 lines joined by "\n". */
export function statement(role, hostId, deviceId, phoneChallenge, hostChallenge) {
  return new TextEncoder().encode([VERSION_LABEL, role, hostId, deviceId, base64url.encode(phoneChallenge),
    base64url.encode(hostChallenge)].join('\n'));
}

/** Ed25519 verification: WebCrypto where the browser has it, @noble/ed25519 otherwise. */
export async function verifySignature(publicKey, message, signature, subtle = globalThis.crypto.subtle) {
  try {
    const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch (e) {
    if (e?.name !== 'NotSupportedError') throw e;
    return noble.verifyAsync(signature, message, publicKey);
  }
}

/** Raised when the host is not the one the QR code named: the phone must stop and say so. */
export class ImpostorError extends Error {
  constructor() {
    super('This is not the host you paired with: it cannot prove the key from its QR code. Nothing was sent.');
    this.name = 'ImpostorError';
  }
}

export class PhoneHandshake {
  #phoneChallenge = globalThis.crypto.getRandomValues(new Uint8Array(32));

  constructor(identity, hostId, { invite = null, name = null, subtle = globalThis.crypto.subtle } = {}) {
    this.identity = identity;
    this.hostId = hostId;
    this.hostKey = publicKeyOf(hostId);
    this.deviceId = keyIdOf(identity.publicKey);
    this.invite = invite;
    this.name = name;
    this.subtle = subtle;
  }

  hello() {
    return { type: 'hello', v: 1, host: this.hostId, device: this.deviceId,
      challenge: base64url.encode(this.#phoneChallenge), invite: this.invite, name: this.name };
  }

  /** Checks the host's answer; returns the phone's proof, or throws ImpostorError. */
  async answer(welcome) {
    const hostChallenge = base64url.decode(welcome.challenge ?? '');
    const signature = base64url.decode(welcome.signature ?? '');
    const signed = statement('host', this.hostId, this.deviceId, this.#phoneChallenge, hostChallenge);
    if (welcome.host !== this.hostId || hostChallenge.length !== 32 || signature.length !== 64
        || !(await verifySignature(this.hostKey, signed, signature, this.subtle))) {
      throw new ImpostorError();
    }
    const proof = await this.identity.sign(statement('phone', this.hostId, this.deviceId, this.#phoneChallenge,
      hostChallenge));
    return { type: 'proof', signature: base64url.encode(proof) };
  }
}
