package dev.persona.arquillian;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.persona.host.InstantColumn;
import dev.persona.host.NullableUuidColumn;
import dev.persona.host.config.HostConfiguration;
import dev.persona.server.ConfigurationException;
import dev.persona.server.ConfiguredSettings;
import dev.persona.server.DataDirectory;
import dev.persona.server.HostSettings;
import dev.persona.server.KeyEncryptionKey;
import dev.persona.settings.Setting;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.h2.jdbcx.JdbcDataSource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The micro-deployments' common part: the settings reader, the host's configuration and data directory, the
 * key-encryption key, BouncyCastle, and the persistence unit {@code persona} on the server's datasource with the
 * entities' {@code Instant} converter (which EclipseLink, on Payara, needs). Each test adds the packages it covers.
 */
public final class Deployments {

    private Deployments() {
    }

    /** Which managed server runs the tests: {@code wildfly} or {@code payara} (the Maven profile sets it). */
    public static String container() {
        return System.getProperty("persona.arq.container", "wildfly");
    }

    /** A WAR with the host's configuration and the persistence unit {@code persona}; CDI discovers annotated beans. */
    public static WebArchive services(String name) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage(Setting.class.getPackage())
                .addClasses(HostConfiguration.class, ConfiguredSettings.class, HostSettings.class, DataDirectory.class,
                        KeyEncryptionKey.class, ConfigurationException.class)
                .addClasses(Beans.class, InstantColumn.class, NullableUuidColumn.class)
                .addAsLibrary(jarOf(Ed25519Signer.class))
                .addAsResource(container() + "-persistence.xml", "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        if (container().equals("payara")) {
            withOwnSettingsAndDatabase(war);
        }
        return war;
    }

    /**
     * On Payara, which has no Persona configuration: the settings the bootstrap wrote for WildFly as the
     * deployment's {@code microprofile-config.properties}, and the datasource {@code java:app/jdbc/persona} on the
     * same H2 file, declared in {@code web.xml} with the driver in {@code WEB-INF/lib}.
     */
    private static void withOwnSettingsAndDatabase(WebArchive war) {
        Properties written = new Properties();
        try (Reader file = Files.newBufferedReader(dataDirectory().resolve("run/wildfly.properties"),
                StandardCharsets.ISO_8859_1)) {
            written.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("The bootstrap's run/wildfly.properties (pre-integration-test)", e);
        }
        Properties settings = new Properties();
        for (String name : written.stringPropertyNames()) {
            if (name.startsWith("persona.") && !name.startsWith("persona.db.") && !name.startsWith("persona.tls.")) {
                settings.setProperty(name, written.getProperty(name));
            }
        }
        // The origin SignalingEndpointIT's client proves its key for on Payara (its plain HTTP listener).
        settings.setProperty(HostSettings.SIGNALING_ORIGINS, payaraOrigin());
        StringWriter config = new StringWriter();
        try {
            settings.store(config, "The bootstrap's settings for the test data directory");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String webXml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <data-source>
                    <name>java:app/jdbc/persona</name>
                    <class-name>org.h2.jdbcx.JdbcDataSource</class-name>
                    <url>%s</url>
                    <user>%s</user>
                    <password>%s</password>
                    <transactional>true</transactional>
                  </data-source>
                </web-app>
                """.formatted(xml(written.getProperty("persona.db.url")), xml(written.getProperty("persona.db.user")),
                xml(written.getProperty("persona.db.password")));
        war.addAsResource(new StringAsset(config.toString()), "META-INF/microprofile-config.properties")
                .addAsWebInfResource(new StringAsset(webXml), "web.xml")
                .addAsLibrary(jarOf(JdbcDataSource.class));
    }

    /**
     * The origin of the bare Payara domain's plain HTTP listener ({@code asadmin create-domain --portbase}: HTTP at
     * the base + 80), where the tests' own clients reach it: its HTTPS listener has the domain's self-signed
     * certificate, not one of the test CA's.
     */
    public static String payaraOrigin() {
        return "http://127.0.0.1:" + (Integer.getInteger("persona.arq.payara.portbase", 27100) + 80);
    }

    private static Path dataDirectory() {
        return Path.of(System.getProperty("persona.arq.data", "target/arquillian-data"));
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The jar a third-party class comes from, to ship it in WEB-INF/lib as the EAR ships it in lib/. */
    public static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
