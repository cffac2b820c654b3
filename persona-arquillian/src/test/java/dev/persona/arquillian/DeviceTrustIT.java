package dev.persona.arquillian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.zxing.qrcode.QRCodeWriter;
import dev.persona.host.config.HostConfiguration;
import dev.persona.host.devices.Admission;
import dev.persona.host.devices.Device;
import dev.persona.host.devices.DeviceRevoked;
import dev.persona.host.devices.DeviceStatus;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.devices.DeviceTrust.AdmissionResult;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.signaling.identity.KeyId;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Devices and invites in the container: the startup announcement writes a one-time invite to
 * {@code run/pairing.txt}, the invite pairs one phone and no second, a revoked phone is refused and observers hear
 * approvals and revocations; the database is the server's.
 */
@ExtendWith(ArquillianExtension.class)
class DeviceTrustIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern PAIRING_URL = Pattern.compile("/client\\?id=(k1[a-z0-9]+)&invite=([a-z0-9]+)");

    @Deployment
    static WebArchive deployment() {
        return Deployments.services("devices")
                .addPackage(Persona.class.getPackage())
                .addPackage(Device.class.getPackage())
                .addPackage(KeyId.class.getPackage())
                .addAsLibrary(Deployments.jarOf(QRCodeWriter.class))
                .addClasses(DeviceEventsHeard.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static DeviceTrust devices() {
        return Beans.bean(DeviceTrust.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static PersonaIdentities identities() {
        return Beans.bean(PersonaIdentities.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static HostConfiguration configuration() {
        return Beans.bean(HostConfiguration.class);
    }

    /** In the container only: JUnit makes the test instance on the client side too. */
    private static DeviceEventsHeard events() {
        return Beans.bean(DeviceEventsHeard.class);
    }

    @Test
    void theStartupAnnouncementsInvitePairsOnePhoneAndNoSecond() throws Exception {
        String pairing = Files.readString(configuration().dataDirectory().run().resolve("pairing.txt"),
                StandardCharsets.UTF_8);
        Matcher url = PAIRING_URL.matcher(pairing);
        assertTrue(url.find(), pairing);
        Persona first = identities().personas().get(0);
        assertEquals(KeyId.of(first.publicKey()).toString(), url.group(1), "the host id is the first persona's key");
        String invite = url.group(2);

        byte[] phone = phoneKey();
        AdmissionResult paired = devices().admit(first.id(), phone, invite, "in-container phone");
        assertEquals(Admission.Outcome.ADMITTED, paired.decision().outcome(), paired.decision().reason());
        assertTrue(devices().approved(first.id(), phone));
        Device device = devices().devices(first.id()).stream().filter(d -> d.id().equals(paired.deviceId()))
                .findFirst().orElseThrow();
        assertEquals(DeviceStatus.APPROVED, device.status());
        assertEquals("in-container phone", device.displayName());

        byte[] secondPhone = phoneKey();
        AdmissionResult refused = devices().admit(first.id(), secondPhone, invite, "second phone");
        assertEquals("used-invite", refused.decision().code());
        assertFalse(devices().approved(first.id(), secondPhone));
        assertEquals(null, refused.deviceId());
    }

    @Test
    void anInviteIsForItsPersonaAndARevokedPhoneIsRefused() {
        Persona dana = identities().create("Dana " + UUID.randomUUID());
        Persona erin = identities().create("Erin " + UUID.randomUUID());
        String invite = devices().mintInvite(dana.id(), Duration.ofMinutes(5));
        byte[] phone = phoneKey();

        assertEquals("invalid-invite", devices().admit(erin.id(), phone, invite, "phone").decision().code(),
                "another persona's invite");
        AdmissionResult paired = devices().admit(dana.id(), phone, invite.toUpperCase(), "phone");
        assertEquals("paired", paired.decision().code(), "codes are read case-insensitively");

        devices().revoke(paired.deviceId());
        assertFalse(devices().approved(dana.id(), phone));
        assertEquals("revoked", devices().admit(dana.id(), phone, null, "phone").decision().code());
        DeviceRevoked heard = events().revocations().stream().filter(r -> r.deviceId().equals(paired.deviceId()))
                .findFirst().orElseThrow();
        assertEquals(dana.id(), heard.personaId());
        assertArrayEquals(phone, heard.publicKey());

        devices().approve(paired.deviceId());
        assertTrue(devices().approved(dana.id(), phone));
        assertTrue(events().approvals().stream().anyMatch(a -> a.deviceId().equals(paired.deviceId())));
    }

    private static byte[] phoneKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
