/**
 * The chat protocol's messages (docs/protocol.md) as records bound with JSON-B: {@code Frames} owns them and the one
 * {@code Jsonb} instance, reads a phone's messages with errors that name the field ({@code ProtocolException}) and
 * writes the host's in the field order of the protocol's test vectors (docs/vectors/protocol-vectors.json).
 */
package dev.persona.host.protocol;
