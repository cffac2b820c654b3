/**
 * The PeerJS wire protocol over Jakarta WebSocket and Jakarta REST: the endpoint at {@code /peerjs} that admits
 * peers (key, id, proof token), relays their JSON messages through the registry and enforces the per-connection
 * limits, the filter that upgrades each request to it with the connection's source address (for the limits per
 * source), and the {@code id}/{@code peers} resources. {@code docs/signaling.md} describes both.
 */
package dev.persona.signaling.peerjs;
