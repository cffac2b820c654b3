/**
 * The host as a WebRTC peer inside the JVM (module {@code persona-peer}, plain Java on webrtc-java): it answers the
 * phones' peerjs offers that the signaling registry relays, exchanges ICE candidates, and offers each opened data
 * channel as a {@link dev.persona.peer.PeerSession} with text messages of any size (chunked on the wire). One
 * {@link dev.persona.peer.HostPeer} owns the native WebRTC factory for the application's lifetime; the container
 * hands it its settings ({@link dev.persona.peer.HostPeerSettings}) and an executor, and for each host id a
 * {@link dev.persona.peer.SignalingLink} and a {@link dev.persona.peer.PeerSessionAcceptor} (persona-ejb's
 * {@code HostPeerService} and {@code ChatHost}). {@link dev.persona.peer.TurnRestCredentials} makes the short-lived
 * TURN credentials the host peer and approved phones use. {@code docs/host-peer.md} describes the design.
 */
package dev.persona.peer;
