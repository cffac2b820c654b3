/**
 * The host's services: personas and their identities, devices, conversations, the fair scheduler, the host
 * WebRTC peer and the tools. Each sub-package is one part of the domain with its JPA entities, its services
 * (EJB/CDI) and nothing else; the web module calls these services and holds no rules of its own.
 */
package dev.persona.host;
