/**
 * PeerJS-compatible signaling inside the EAR: the WebSocket endpoint and REST resources that the stock peerjs
 * client talks to, the peer registry behind an interface, limits, and the check that an id is proven by its key.
 * {@link dev.persona.signaling.SignalingServer} ties them together with the
 * {@link dev.persona.signaling.SignalingSettings}. It knows nothing of chats or models.
 */
package dev.persona.signaling;
