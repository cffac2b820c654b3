package dev.persona.host.devices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Logger;

import dev.persona.host.config.HostConfiguration;
import dev.persona.server.DataDirectory;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

/**
 * At every start, mints a one-time invite for the first persona ({@link Pairing}) and shows how to pair a phone:
 * the URL and its QR code in the server log, and the same in {@code run/pairing.txt} (owner-only) for the launcher
 * to print.
 */
@Singleton
@Startup
@DependsOn("PersonaIdentities")
public class PairingAnnouncement {

    private static final Logger LOG = Logger.getLogger(PairingAnnouncement.class.getName());

    @EJB
    private Pairing pairing;

    @Inject
    private HostConfiguration configuration;

    @PostConstruct
    void announce() {
        PairingInvite invite = pairing.mintForFirstPersona();
        String text = "Pair a phone with " + invite.personaName() + ": scan this code, or open " + invite.url() + "\n"
                + "(one phone, valid for " + DeviceTrust.DEFAULT_INVITE_VALIDITY.toMinutes()
                + " minutes; the console makes new ones)\n" + invite.qrText();
        LOG.info(() -> "\n" + text);
        Path file = configuration.dataDirectory().run().resolve("pairing.txt");
        try {
            DataDirectory.writeSecretFile(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warning(() -> "Could not write " + file + " (" + e.getMessage() + "); the pairing code is in this log.");
        }
    }
}
