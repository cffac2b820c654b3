/**
 * Puts the host's signaling server on the web: the PeerJS WebSocket at {@code /peerjs} and its REST calls under
 * {@code /peerjs/*}, on the HTTPS port of the application (docs/signaling.md).
 */
package dev.persona.web.signaling;
