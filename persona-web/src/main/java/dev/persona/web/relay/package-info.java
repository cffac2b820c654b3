/**
 * The relay transport on the web: the WebSocket at {@code /relay/<hostId>?phone=<keyId>} on the page's own origin
 * that carries a phone's chat when no peer-to-peer path to the host peer opens (docs/protocol.md, "Transports"). The
 * session itself is the chat's ({@link dev.persona.host.chat.RelayTransport}); this package only moves text.
 */
package dev.persona.web.relay;
