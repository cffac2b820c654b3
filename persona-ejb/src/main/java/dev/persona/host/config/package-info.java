/**
 * Where the host keeps its data and how phones reach it ({@link dev.persona.host.config.HostConfiguration}), read
 * through server-config's {@code ConfiguredSettings}, the one settings reader of module {@code settings}.
 */
package dev.persona.host.config;
