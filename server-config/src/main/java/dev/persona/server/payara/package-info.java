/**
 * The host on Payara Server 6 ({@code ./persona start --server payara}; README, "Payara"): {@link
 * dev.persona.server.payara.PayaraDomain} writes each start's values into the domain that {@code src/main/payara}
 * (an asadmin script and the script that runs it once per Payara version) prepared, as {@code -P} gives WildFly
 * its {@code run/wildfly.properties}.
 */
package dev.persona.server.payara;
