package dev.persona.arquillian;

import java.io.File;
import java.net.URISyntaxException;

import dev.persona.host.config.HostConfiguration;
import dev.persona.server.ConfigurationException;
import dev.persona.server.ConfiguredSettings;
import dev.persona.server.DataDirectory;
import dev.persona.server.HostSettings;
import dev.persona.server.KeyEncryptionKey;
import dev.persona.settings.Setting;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The micro-deployments' common part: the settings reader, the host's configuration and data directory, the
 * key-encryption key, BouncyCastle, and the persistence unit {@code persona} on the server's datasource. Each test
 * adds the packages it covers.
 */
final class Deployments {

    private Deployments() {
    }

    /** Which managed server runs the tests: {@code wildfly} or {@code payara} (the Maven profile sets it). */
    static String container() {
        return System.getProperty("persona.arq.container", "wildfly");
    }

    /** A WAR with the host's configuration and the persistence unit {@code persona}; CDI discovers annotated beans. */
    static WebArchive services(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage(Setting.class.getPackage())
                .addClasses(HostConfiguration.class, ConfiguredSettings.class, HostSettings.class, DataDirectory.class,
                        KeyEncryptionKey.class, ConfigurationException.class)
                .addAsLibrary(jarOf(Ed25519Signer.class))
                .addAsResource(container() + "-persistence.xml", "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    /** The jar a third-party class comes from, to ship it in WEB-INF/lib as the EAR ships it in lib/. */
    static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
