// The ICE servers of the phone's peer connection: the host's TURN servers with short-lived credentials of this
// phone's own, which the host hands only to a phone whose proof token proves an approved device
// (docs/host-peer.md, section 6a); never in the page. No answer, a refusal or a stranger's empty list all mean no
// server: the host's own candidates and the relay over the host's HTTPS remain.

/** How long the page waits for the list before it connects without it. */
export const ICE_SERVERS_TIMEOUT_MS = 3000;

/** `/ice/<host id>?phone=<key id>` on the page's origin. */
export function iceServersUrl(hostId, deviceId) {
  return `/ice/${encodeURIComponent(hostId)}?phone=${encodeURIComponent(deviceId)}`;
}

/**
 * Asks the host for this phone's ICE servers with `token`, a fresh proof token of its key (signaling-token.js).
 * Resolves to an `RTCConfiguration.iceServers` list, empty when there is none for this phone or the request fails
 * (the reason goes to the console).
 */
export async function iceServers(hostId, deviceId, token, { fetch = globalThis.fetch,
  timeoutMs = ICE_SERVERS_TIMEOUT_MS } = {}) {
  try {
    const response = await fetch(iceServersUrl(hostId, deviceId), {
      headers: { Authorization: `Proof ${token}` }, cache: 'no-store', signal: AbortSignal.timeout?.(timeoutMs),
    });
    const body = await response.json();
    if (!response.ok) {
      console.warn(`No TURN servers from the host: ${response.status} ${body.error ?? ''}`);
      return [];
    }
    return Array.isArray(body.iceServers) ? body.iceServers : [];
  } catch (error) {
    console.warn(`No TURN servers from the host: ${error.message}`);
    return [];
  }
}
