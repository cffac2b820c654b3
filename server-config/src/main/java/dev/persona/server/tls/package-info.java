/**
 * HTTPS with zero manual steps: a local certificate authority created once and never replaced silently (phones
 * trust it), and a server certificate issued by it for every name and address the machine answers on, re-issued
 * when those change or the certificate nears its end. The CA is name-constrained to the host's own and local names
 * and addresses, and its key is sealed with the data directory's key-encryption key. BouncyCastle does the X.509
 * work. The server key is RSA because WildFly runs the TLS on OpenSSL, whose libraries {@link
 * dev.persona.server.tls.OpenSslLibraries} finds for it; its engines come wrapped by {@link
 * dev.persona.server.tls.OneRecordOpenSslProvider}, the server module {@code dev.persona.tls}, so that a WebSocket
 * frame goes out as one TLS record.
 */
package dev.persona.server.tls;
