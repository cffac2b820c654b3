// Key ids (docs/identity.md): "k1" + the raw 32-byte Ed25519 public key in lowercase RFC 4648 base32 without
// padding; 54 characters that always pass the peerjs client's id rule. Only the canonical text is accepted.
const PREFIX = 'k1';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const KEY_ID_LENGTH = PREFIX.length + 52;

export function keyIdOf(publicKey) {
  if (publicKey.length !== 32) throw new Error(`An Ed25519 public key has 32 bytes, not ${publicKey.length}.`);
  let out = PREFIX;
  let buffer = 0;
  let bits = 0;
  for (const byte of publicKey) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The public key a key id names; throws saying what is wrong with the text. */
export function publicKeyOf(keyId) {
  if (typeof keyId !== 'string' || !keyId.startsWith(PREFIX)) throw new Error(`Not a key id: must start with '${PREFIX}'.`);
  if (keyId.length !== KEY_ID_LENGTH) throw new Error(`Not a key id: ${keyId.length} characters instead of ${KEY_ID_LENGTH}.`);
  const out = new Uint8Array(32);
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = PREFIX.length; i < keyId.length; i++) {
    const value = ALPHABET.indexOf(keyId[i]);
    if (value < 0) throw new Error(`Not a key id: '${keyId[i]}' at position ${i}; only a-z and 2-7 are allowed.`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[written++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new Error('Not a key id: it is not canonical.');
  return out;
}

/**
 * The key written for people to compare (docs/identity.md, "Fingerprints"): the first 16 bytes of SHA-256 of the
 * public key in lowercase hex, eight groups of four joined by spaces. The phone shows its own while it waits for
 * approval; the console shows the same next to the waiting phone.
 */
export async function fingerprintOf(publicKey) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey));
  const hex = Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g).join(' ');
}
