package dev.persona.server.health;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import dev.persona.server.ConfiguredSettings;
import dev.persona.server.DataDirectory;
import dev.persona.server.HostSettings;
import dev.persona.server.tls.TlsMaterial;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the database answers within two seconds, the data directory is writable and the HTTPS certificate
 * is within its validity. The data says which part failed and how long the certificate has left.
 */
@Readiness
@ApplicationScoped
public class HostReadiness implements HealthCheck {

    /** WildFly's name of the database (persona.cli); Payara's (persona.asadmin) is the mapped name, which it prefers. */
    @Resource(lookup = "java:jboss/datasources/PersonaDS", mappedName = "jdbc/__default")
    DataSource database;

    @Inject
    ConfiguredSettings settings;

    @Override
    public HealthCheckResponse call() {
        DataDirectory data = new DataDirectory(HostSettings.DATA_DIR.required(settings));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("persona-host").up();
        try (Connection connection = database.getConnection()) {
            boolean valid = connection.isValid(2);
            response.withData("database", valid ? "ok" : "not answering");
            if (!valid) {
                response.down();
            }
        } catch (SQLException e) {
            response.down().withData("database", String.valueOf(e.getMessage()));
        }
        try {
            Files.delete(Files.createTempFile(data.run(), ".health", ".tmp"));
            response.withData("dataDirectory", "writable");
        } catch (IOException e) {
            response.down().withData("dataDirectory", "not writable: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(data.serverKeyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, HostSettings.TLS_PASSWORD.required(settings).toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate(TlsMaterial.KEY_ALIAS);
            long daysLeft = Duration.between(Instant.now(), certificate.getNotAfter().toInstant()).toDays();
            response.withData("certificateDaysLeft", daysLeft);
            if (daysLeft < 0) {
                response.down();
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            response.down().withData("certificate", "unreadable: " + e.getMessage());
        }
        return response.build();
    }
}
