/**
 * Everything the host needs before and around the application server: where the data directory is and what it
 * holds, the validated start-up settings (ports, bind address), the {@link dev.persona.server.HostBootstrap}
 * that the launcher runs before WildFly starts, and {@link dev.persona.server.ConfiguredSettings}, through which the
 * application reads its settings (MicroProfile Config) with the one settings reader of module {@code settings}.
 * The WildFly provisioning CLI scripts live beside this code in {@code src/main/wildfly}, Payara's asadmin script in
 * {@code src/main/payara}.
 */
package dev.persona.server;
