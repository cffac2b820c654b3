/**
 * Application settings read through MicroProfile Config (system properties written by the bootstrap, environment
 * variables, {@code META-INF/microprofile-config.properties}), validated once and offered as CDI beans.
 */
package dev.persona.host.config;
