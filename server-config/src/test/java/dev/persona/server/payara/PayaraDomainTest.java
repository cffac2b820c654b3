package dev.persona.server.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import dev.persona.server.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PayaraDomainTest {

    /** The parts of a stock Payara 6 domain.xml (after persona.asadmin) that PayaraDomain writes to. */
    private static final String DOMAIN = """
            <domain>
              <resources>
                <jdbc-connection-pool datasource-classname="org.h2.jdbcx.JdbcDataSource" name="PersonaPool">
                  <property name="URL" value="${persona.db.url}"/>
                </jdbc-connection-pool>
                <resource-adapter-config resource-adapter-name="persona#llama-connector">
                  <property name="serverBinary" value="stale"/>
                </resource-adapter-config>
              </resources>
              <servers>
                <server config-ref="server-config" name="server">
                  <system-property name="persona.old" value="from the last start"/>
                  <application-ref ref="__admingui"/>
                </server>
              </servers>
              <configs>
                <config name="server-config">
                  <network-config>
                    <protocols>
                      <protocol name="http-listener-1"><http/><ssl/></protocol>
                      <protocol name="http-listener-2" security-enabled="true">
                        <http/>
                        <ssl classname="com.sun.enterprise.security.ssl.GlassfishSSLImpl" cert-nickname="s1as"/>
                      </protocol>
                    </protocols>
                    <network-listeners>
                      <network-listener port="8080" name="http-listener-1"/>
                      <network-listener port="8181" name="http-listener-2"/>
                      <network-listener port="4848" name="admin-listener"/>
                    </network-listeners>
                  </network-config>
                </config>
              </configs>
            </domain>
            """;

    private static final String IRON_JACAMAR = """
            <ironjacamar xmlns="http://www.ironjacamar.org/doc/schema">
              <config-property name="serverBinary">${persona.llama.server:}</config-property>
              <config-property name="contextSize">${persona.llama.context.size:4096}</config-property>
              <config-property name="portRange">${persona.llama.port.range:39100-39199}</config-property>
              <connection-definitions>
                <connection-definition class-name="x" jndi-name="java:/eis/llama" pool-name="llama">
                  <config-property name="backendUrls">${persona.llama.backend.urls:}</config-property>
                </connection-definition>
              </connection-definitions>
            </ironjacamar>
            """;

    private static Properties bootstrapOutput() {
        Properties properties = new Properties();
        properties.setProperty("persona.data.dir", "/home/owner/.persona");
        properties.setProperty("persona.tls.keystore", "/home/owner/.persona/tls/server.p12");
        properties.setProperty("persona.tls.password", "key store secret");
        properties.setProperty("persona.db.driver", "postgresql");
        properties.setProperty("persona.db.url", "jdbc:postgresql://db:5432/persona");
        properties.setProperty("persona.llama.server", "/opt/llama-server");
        properties.setProperty("persona.llama.context.size", "8192");
        properties.setProperty("jboss.bind.address", "0.0.0.0");
        properties.setProperty("jboss.http.port", "31080");
        properties.setProperty("jboss.https.port", "31443");
        properties.setProperty("jboss.management.http.port", "31990");
        return properties;
    }

    private static Document xml(String text) throws IOException {
        return PayaraDomain.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Element find(Document document, String tag, String attribute, String value) {
        NodeList all = document.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            if (element.getAttribute(attribute).equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no <" + tag + " " + attribute + "=" + value + ">");
    }

    private static Map<String, String> properties(Element owner, String tag) {
        Map<String, String> values = new LinkedHashMap<>();
        NodeList all = owner.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element property = (Element) all.item(i);
            values.put(property.getAttribute("name"), property.getAttribute("value"));
        }
        return values;
    }

    @Test
    void theConnectorSettingsResolveAsWildFlyResolvesThem() throws IOException {
        assertEquals(Map.of("serverBinary", "/opt/llama-server", "contextSize", "8192", "portRange", "39100-39199"),
                new PayaraDomain(bootstrapOutput()).adapterSettings(xml(IRON_JACAMAR)));
    }

    @Test
    void aStartWritesPortsKeyStoreDatabaseSettingsAndConnector() throws IOException {
        Document domain = xml(DOMAIN);
        new PayaraDomain(bootstrapOutput()).apply(domain, xml(IRON_JACAMAR));

        assertEquals("31080", find(domain, "network-listener", "name", "http-listener-1").getAttribute("port"));
        assertEquals("31443", find(domain, "network-listener", "name", "http-listener-2").getAttribute("port"));
        Element admin = find(domain, "network-listener", "name", "admin-listener");
        assertEquals("31990", admin.getAttribute("port"));
        assertEquals("127.0.0.1", admin.getAttribute("address"));

        Element ssl = (Element) find(domain, "protocol", "name", "http-listener-2").getElementsByTagName("ssl").item(0);
        assertFalse(ssl.hasAttribute("classname"), "the listener's own key store, not the domain's");
        assertEquals("/home/owner/.persona/tls/server.p12", ssl.getAttribute("key-store"));
        assertEquals("key store secret", ssl.getAttribute("key-store-password"));
        assertEquals("persona", ssl.getAttribute("cert-nickname"));
        assertEquals("false", ssl.getAttribute("tls11-enabled"));
        assertTrue(ssl.getAttribute("ssl3-tls-ciphers").startsWith("TLS_AES_128_GCM_SHA256,"));

        assertEquals("org.postgresql.ds.PGSimpleDataSource",
                find(domain, "jdbc-connection-pool", "name", "PersonaPool").getAttribute("datasource-classname"));

        Map<String, String> system = properties(find(domain, "server", "name", "server"), "system-property");
        assertEquals("jdbc:postgresql://db:5432/persona", system.get("persona.db.url"));
        assertFalse(system.containsKey("persona.old"), "what the last start wrote goes");
        assertFalse(system.containsKey("jboss.http.port"), "only Persona's settings");

        assertEquals(Map.of("serverBinary", "/opt/llama-server", "contextSize", "8192", "portRange", "39100-39199"),
                properties(find(domain, "resource-adapter-config", "resource-adapter-name",
                        "persona#llama-connector"), "property"));
        assertEquals("", system.get("persona.llama.backend.urls"),
                "a connector setting that none gives: its default, for glassfish-resources.xml");
        assertEquals("39100-39199", system.get("persona.llama.port.range"));
        assertEquals("8192", system.get("persona.llama.context.size"), "a given one wins");
    }

    @Test
    void thePoolChecksEachConnectionWithAQueryOfItsDriver() throws IOException {
        for (String driver : new String[] {"h2", "postgresql"}) {
            Properties settings = bootstrapOutput();
            settings.setProperty("persona.db.driver", driver);
            Document domain = xml(DOMAIN);
            new PayaraDomain(settings).apply(domain, xml(IRON_JACAMAR));
            Element pool = find(domain, "jdbc-connection-pool", "name", "PersonaPool");
            assertEquals("true", pool.getAttribute("is-connection-validation-required"), driver);
            assertEquals("custom-validation", pool.getAttribute("connection-validation-method"), driver);
            assertEquals(driver.equals("h2") ? "org.glassfish.api.jdbc.validation.H2ConnectionValidation"
                    : "org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                    pool.getAttribute("validation-classname"), driver);
            Map<String, String> poolProperties = properties(pool, "property");
            assertEquals(driver.equals("postgresql") ? "unspecified" : null, poolProperties.get("stringType"),
                    driver + ": EclipseLink's text-bound UUIDs reach PostgreSQL's uuid columns untyped");
            assertTrue(poolProperties.containsKey("URL"), driver + ": the other properties stay");
        }
    }

    @Test
    void bothListenersWriteTheSessionCookieSameSiteStrictAndCompressOnlyStaticTypes() throws IOException {
        Document domain = xml(DOMAIN);
        new PayaraDomain(bootstrapOutput()).apply(domain, xml(IRON_JACAMAR));
        for (String listener : new String[] {"http-listener-1", "http-listener-2"}) {
            Element http = (Element) find(domain, "protocol", "name", listener).getElementsByTagName("http").item(0);
            assertEquals("true", http.getAttribute("cookie-same-site-enabled"), listener);
            assertEquals("Strict", http.getAttribute("cookie-same-site-value"), listener);
            assertEquals("on", http.getAttribute("compression"), listener);
            assertFalse(http.getAttribute("compressable-mime-type").contains("html"),
                    listener + ": pages carry session-bound tokens (BREACH)");
            assertFalse(http.getAttribute("compressable-mime-type").contains("json"),
                    listener + ": REST answers carry session-bound tokens (BREACH)");
            assertTrue(http.getAttribute("compressable-mime-type").contains("text/css"), listener);
        }
    }

    @Test
    void aDomainThatWasNotPreparedIsNamed() throws IOException {
        Document stock = xml(DOMAIN.replace("PersonaPool", "H2Pool"));
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> new PayaraDomain(bootstrapOutput()).apply(stock, xml(IRON_JACAMAR)));
        assertTrue(refused.getMessage().contains("PersonaPool"), refused.getMessage());
    }
}
