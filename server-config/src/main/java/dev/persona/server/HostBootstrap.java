package dev.persona.server;

import java.io.IOException;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import dev.persona.server.db.DatabaseSettings;
import dev.persona.server.db.EmbeddedDatabaseCheck;
import dev.persona.server.db.SchemaMigration;
import dev.persona.server.tls.OpenSslLibraries;
import dev.persona.server.tls.SubjectNames;
import dev.persona.server.tls.TlsMaterial;
import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * Runs before WildFly starts (the launcher calls it): checks every setting, the data directory and the ports,
 * makes or refreshes the TLS files, refuses an H2 file that is locked or damaged ({@link EmbeddedDatabaseCheck}),
 * brings the database to this version's schema ({@link SchemaMigration}), then
 * writes {@code run/wildfly.properties} (system properties the server reads with {@code -P}: every
 * {@code persona.*} setting given to the launcher and the bootstrap's own, the datasource's among them; owner-only
 * since it holds the key store and database passwords) and {@code run/launch.env} (the addresses the launcher
 * prints; Payara's start reads the same file, see {@code PayaraDomain}). A problem ends it with exit status 2 and one
 * message that says what to do.
 */
public final class HostBootstrap {

    /** The application server this start runs the EAR in: the launcher's {@code --server}, its first argument here. */
    public enum Server {
        /** HTTPS on the system's OpenSSL (persona.cli), whose libraries the bootstrap finds ({@link OpenSslLibraries}). */
        WILDFLY,
        /** HTTPS on the JDK's TLS ({@code PayaraDomain}): no OpenSSL needed. */
        PAYARA
    }

    private final HostSettings settings;
    private final SettingSource.Process source;
    private final Server server;
    private final Supplier<Map<String, String>> openSslLibraries;

    public HostBootstrap(HostSettings settings, SettingSource.Process source, Server server) {
        this(settings, source, server, OpenSslLibraries::require);
    }

    /** @param openSslLibraries {@link OpenSslLibraries#require()}, or a stand-in for a system without OpenSSL */
    HostBootstrap(HostSettings settings, SettingSource.Process source, Server server,
                  Supplier<Map<String, String>> openSslLibraries) {
        this.settings = settings;
        this.source = source;
        this.server = server;
        this.openSslLibraries = openSslLibraries;
    }

    /** @param args the server, {@code wildfly} (the default) or {@code payara} */
    public static void main(String[] args) {
        try {
            Server server = args.length == 0 ? Server.WILDFLY : server(args[0]);
            SettingSource.Process source = SettingSource.ofProcess();
            new HostBootstrap(HostSettings.from(source), source, server).run(Instant.now());
        } catch (ConfigurationException | InvalidSettingException e) {
            System.err.println("persona: " + e.getMessage());
            System.exit(2);
        }
    }

    public void run(Instant now) {
        DataDirectory data = settings.dataDirectory();
        data.prepare();
        requirePortsFree();
        SubjectNames names = SubjectNames.ofThisMachine();
        String machineName = names.dnsNames().stream().filter(n -> !n.equals("localhost")).findFirst()
                .orElse("localhost");
        TlsMaterial.Outcome tls = new TlsMaterial(data).ensure(machineName, names, now);
        if (tls.caCreated()) {
            System.out.println("persona: created a new local certificate authority in " + data.caCertificate());
        }
        System.out.println("persona: server certificate " + tls.serverCertificateAction() + ", valid until "
                + tls.serverCertificate().getNotAfter().toInstant());
        tls.warnings().forEach(warning -> System.out.println("persona: WARNING: " + warning));
        DatabaseSettings database = DatabaseSettings.from(source, data);
        if (database.vendor() == DatabaseSettings.Vendor.H2) {
            new EmbeddedDatabaseCheck(data).requireOpenable();
        }
        System.out.println("persona: database schema " + new SchemaMigration(database).migrate().describe());
        try {
            writeServerProperties(tls.serverKeyStorePassword(), names, database);
            writeLaunchEnvironment();
        } catch (IOException e) {
            throw new ConfigurationException("Cannot write the run files in " + data.run() + ": " + e.getMessage(), e);
        }
    }

    private static Server server(String name) {
        try {
            return Server.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Unknown server '" + name + "': wildfly or payara.", e);
        }
    }

    private void requirePortsFree() {
        Map<Setting<Integer>, InetSocketAddress> ports = new LinkedHashMap<>();
        ports.put(HostSettings.HTTP_PORT, new InetSocketAddress(settings.bindAddress(), settings.httpPort()));
        ports.put(HostSettings.HTTPS_PORT, new InetSocketAddress(settings.bindAddress(), settings.httpsPort()));
        ports.put(HostSettings.MANAGEMENT_HTTP_PORT, new InetSocketAddress("127.0.0.1", settings.managementHttpPort()));
        ports.put(HostSettings.MANAGEMENT_HTTPS_PORT,
                new InetSocketAddress("127.0.0.1", settings.managementHttpsPort()));
        ports.forEach((name, address) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(address);
            } catch (IOException e) {
                throw new ConfigurationException("Port " + address.getPort() + " (" + name + ") on "
                        + address.getHostString() + " is already in use (" + e.getMessage() + "). Stop the program "
                        + "that uses it (is Persona already running? './persona stop'), or choose another port: "
                        + name.environmentName() + "=<port> ./persona start");
            }
        });
    }

    private void writeServerProperties(String keyStorePassword, SubjectNames names, DatabaseSettings database)
            throws IOException {
        DataDirectory data = settings.dataDirectory();
        Properties properties = new Properties();
        // Settings for the server's parts (e.g. persona.llama.* for the resource adapter, which reads system
        // properties only) pass through; those below are the bootstrap's own and win.
        source.allPersonaSettings().forEach(properties::setProperty);
        properties.setProperty(HostSettings.DATA_DIR.name(), data.root().toString());
        properties.setProperty("persona.tls.keystore", data.serverKeyStore().toString());
        properties.setProperty(HostSettings.TLS_PASSWORD.name(), keyStorePassword);
        properties.setProperty("persona.db.driver", database.vendor().wildflyDriver());
        properties.setProperty(DatabaseSettings.URL.name(), database.url());
        properties.setProperty(DatabaseSettings.USER.name(), database.user());
        properties.setProperty(DatabaseSettings.PASSWORD.name(), database.password());
        properties.setProperty("jboss.bind.address", settings.bindAddress());
        properties.setProperty("jboss.bind.address.management", "127.0.0.1");
        properties.setProperty("jboss.http.port", Integer.toString(settings.httpPort()));
        properties.setProperty("jboss.https.port", Integer.toString(settings.httpsPort()));
        properties.setProperty(HostSettings.HTTPS_PORT.name(), Integer.toString(settings.httpsPort()));
        properties.setProperty("jboss.management.http.port", Integer.toString(settings.managementHttpPort()));
        properties.setProperty("jboss.management.https.port", Integer.toString(settings.managementHttpsPort()));
        properties.setProperty("jboss.server.log.dir", data.logs().toString());
        if (server == Server.WILDFLY) {
            openSslLibraries.get().forEach(properties::setProperty);
        }
        properties.setProperty(HostSettings.PUBLIC_URL.name(), "https://" + lanAddress() + ":" + settings.httpsPort());
        properties.setProperty(HostSettings.SIGNALING_ORIGINS, source.text(HostSettings.SIGNALING_ORIGINS)
                .orElseGet(() -> String.join(",", names.webOrigins("https", settings.httpsPort()))));
        StringWriter text = new StringWriter();
        properties.store(text, "Written by the Persona bootstrap at every start; edit the settings, not this file.");
        DataDirectory.writeSecretFile(data.run().resolve("wildfly.properties"),
                text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void writeLaunchEnvironment() throws IOException {
        String lan = lanAddress();
        String https = "https://" + lan + ":" + settings.httpsPort();
        String env = "PERSONA_CONSOLE_URL=" + "https://localhost:" + settings.httpsPort() + "/console/\n"
                + "PERSONA_PHONE_URL=" + https + "/client\n"
                + "PERSONA_TRUST_URL=http://" + lan + ":" + settings.httpPort() + "/trust\n"
                + "PERSONA_HEALTH_URL=https://127.0.0.1:" + settings.managementHttpsPort() + "/health/ready\n";
        Files.writeString(settings.dataDirectory().run().resolve("launch.env"), env, StandardCharsets.UTF_8);
    }

    /** The address a phone on the LAN uses: the bind address if one was chosen, else the machine's first IPv4. */
    private String lanAddress() {
        if (!settings.bindAddress().equals("0.0.0.0") && !settings.bindAddress().equals("::")) {
            return settings.bindAddress();
        }
        return SubjectNames.machineAddresses().stream().filter(a -> a instanceof Inet4Address)
                .map(InetAddress::getHostAddress).findFirst().orElse("127.0.0.1");
    }
}
