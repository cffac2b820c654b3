/**
 * The host's services: personas and their identities, devices and pairing, conversations, the fair scheduler, the
 * host WebRTC peer, the tools and the load sampler (docs/architecture.md). Each sub-package is one part of the
 * domain with its JPA entities, its services (EJB/CDI) and nothing else; the web module calls these services and holds no rules of its own.
 */
package dev.persona.host;
