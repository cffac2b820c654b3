/**
 * Chat over the data channel (docs/protocol.md): each phone's session runs the handshake, then turns; turns are
 * scheduled fairly onto the model server's slots, streamed back as coalesced tokens, and stored per device as
 * conversations. The host builds every prompt; the phone only sends what the person typed.
 */
package dev.persona.host.chat;
