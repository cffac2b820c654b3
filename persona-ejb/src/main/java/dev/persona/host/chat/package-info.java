/**
 * Chat with the phones (docs/protocol.md): each phone's {@code PhoneSession} runs the handshake, then turns; turns
 * are scheduled fairly onto the model server's slots, streamed back as coalesced tokens, and stored per device as
 * conversations. The host builds every prompt; the phone only sends what the person typed.
 *
 * <p>The core ({@code ChatService}, {@code PhoneSession}, {@code ActiveTurn}, {@code TurnScheduler},
 * {@code ContextBudget}) is plain Java behind narrow ports ({@code ChatPorts}: the model gateway, the conversation
 * store, admission, reminders, an executor and a clock; {@code PhoneChannel}: frames out to whichever transport
 * carries the phone), so its scenario tests run without the server. {@code ChatHost} is the container-facing
 * singleton that builds it from the container's beans, reads the chat's settings and carries the phones' transports
 * to it: host-peer data channels ({@code PeerTransport}) and relay WebSockets ({@code RelayTransport}, with the host
 * peer's limits on unproven sessions).
 */
package dev.persona.host.chat;
