/**
 * HTTPS with zero manual steps: a local certificate authority created once and never replaced silently (phones
 * trust it), and a server certificate issued by it for every name and address the machine answers on, re-issued
 * when those change or the certificate nears its end. BouncyCastle does the X.509 work.
 */
package dev.persona.server.tls;
