/**
 * The host as a WebRTC peer inside the JVM: it answers the phones' peerjs offers that the signaling registry relays,
 * exchanges ICE candidates, and offers each opened data channel as a {@link dev.persona.host.peer.PeerSession} with
 * text messages of any size (chunked on the wire). One {@link dev.persona.host.peer.HostPeer} owns the native
 * WebRTC factory for the application's lifetime; {@code docs/host-peer.md} describes the design.
 */
package dev.persona.host.peer;
