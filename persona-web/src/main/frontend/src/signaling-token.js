// The proof token a phone presents to the host's signaling server (docs/identity.md, section 3): a signature by
// its key over its id, the page's origin, a timestamp and a nonce. Made fresh for every connection attempt.
import { base64url } from './bytes.js';

export const PROOF_CONTEXT = 'persona/signaling-proof/v1';

export function proofMessage(id, origin, timestamp, nonce) {
  return new TextEncoder().encode([PROOF_CONTEXT, id, origin, String(timestamp), nonce].join('\n'));
}

/** `v1.<timestamp>.<nonce>.<base64url(origin)>.<base64url(signature)>`; `identity.sign` makes the signature. */
export async function proofToken(identity, id, origin, {
  timestamp = Math.floor(Date.now() / 1000),
  nonce = base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(16))),
} = {}) {
  const signature = await identity.sign(proofMessage(id, origin, timestamp, nonce));
  return ['v1', timestamp, nonce, base64url.encode(new TextEncoder().encode(origin)), base64url.encode(signature)]
    .join('.');
}
