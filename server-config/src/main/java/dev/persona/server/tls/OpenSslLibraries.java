package dev.persona.server.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.persona.server.ConfigurationException;

/**
 * Where the system's OpenSSL libraries are, for WildFly's TLS (persona.cli runs the HTTPS listener's
 * {@code server-ssl-context} on the {@code openssl} provider, the wildfly-openssl natives). Those natives look for
 * {@code libssl.so} in {@code java.library.path}, a name only the development package installs (Debian's
 * {@code libssl-dev}); the runtime package has {@code libssl.so.3}. The bootstrap passes the files found here as
 * {@value #SSL_PROPERTY} and {@value #CRYPTO_PROPERTY}.
 */
public final class OpenSslLibraries {

    public static final String SSL_PROPERTY = "org.wildfly.openssl.path.ssl";
    public static final String CRYPTO_PROPERTY = "org.wildfly.openssl.path.crypto";
    /** Searched in order: multiarch Debian/Ubuntu, then the usual others. */
    static final List<Path> DIRECTORIES = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib64"), Path.of("/lib64"), Path.of("/usr/lib"), Path.of("/lib"));
    /** OpenSSL 3, then 1.1.1: the versions wildfly-openssl supports. */
    private static final List<String> VERSIONS = List.of(".so.3", ".so.1.1");

    private OpenSslLibraries() {
    }

    /** The two system properties naming libssl and libcrypto of one version in one of {@code directories}. */
    public static Optional<Map<String, String>> find(List<Path> directories) {
        for (String version : VERSIONS) {
            for (Path directory : directories) {
                Path ssl = directory.resolve("libssl" + version);
                Path crypto = directory.resolve("libcrypto" + version);
                if (Files.isReadable(ssl) && Files.isReadable(crypto)) {
                    return Optional.of(Map.of(SSL_PROPERTY, ssl.toString(), CRYPTO_PROPERTY, crypto.toString()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #find(List)}, or a start stopped with what to install: without the libraries WildFly's HTTPS listener
     * fails to start and says only that its SSL context is missing.
     */
    public static Map<String, String> require(List<Path> directories) {
        return find(directories).orElseThrow(() -> new ConfigurationException("HTTPS runs on the system's OpenSSL, "
                + "and no libssl.so.3 or libssl.so.1.1 with its libcrypto was found in " + directories
                + ": install it (Debian and Ubuntu: apt-get install libssl3; Fedora: dnf install openssl-libs)"));
    }

    /** {@link #require(List)} in the system's library directories. */
    public static Map<String, String> require() {
        return require(DIRECTORIES);
    }
}
