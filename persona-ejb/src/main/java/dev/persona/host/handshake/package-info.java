/**
 * The mutual handshake that opens every data channel before any chat (spec: docs/identity.md, "Data-channel
 * handshake"): the host proves it holds the key the phone's QR code named, the phone proves its own key and,
 * the first time, presents its invite. Both signatures cover both sides' fresh challenges, so none can be replayed.
 */
package dev.persona.host.handshake;
