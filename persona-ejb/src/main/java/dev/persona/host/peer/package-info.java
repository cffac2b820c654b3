/**
 * The container's side of the host's WebRTC peer: {@link dev.persona.host.peer.HostPeerService} owns the one
 * {@link dev.persona.peer.HostPeer} of the application (module persona-peer, plain Java) and hands it its settings
 * and the container's threads.
 */
package dev.persona.host.peer;
