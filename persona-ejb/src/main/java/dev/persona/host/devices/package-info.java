/**
 * Which phones may talk to which persona: one-time invites (minted by the owner, carried by the QR code), device
 * records (key, name, first/last seen, pending/approved/revoked) and the admission decision made for every
 * handshake. A revoked device is cut off at once, including its open session.
 */
package dev.persona.host.devices;
