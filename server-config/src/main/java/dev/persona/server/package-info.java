/**
 * Everything the host needs before and around the application server: where the data directory is and what it
 * holds, the validated start-up settings (ports, bind address), and the {@link dev.persona.server.HostBootstrap}
 * that the launcher runs before WildFly starts; and {@link dev.persona.server.SettingValues}, with which the
 * application's modules (persona-ejb, persona-peer, persona-web) read their settings by name. The WildFly provisioning CLI scripts live beside this code in
 * {@code src/main/wildfly}.
 */
package dev.persona.server;
