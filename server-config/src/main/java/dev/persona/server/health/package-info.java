/**
 * MicroProfile Health checks of the host, served by WildFly on its management interface (127.0.0.1, HTTPS):
 * readiness when the database answers, the data directory is writable and the server certificate is valid;
 * liveness when the application is deployed. They live in this library jar of the EAR because WildFly only
 * discovers health checks visible to the EAR's top level, not those inside its WAR or EJB modules.
 */
package dev.persona.server.health;
