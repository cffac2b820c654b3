package dev.persona.host.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.persona.server.ConfiguredSettings;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

/**
 * The service the console and the chat call for devices and invites: mint invites, admit a phone that proved its
 * key (consuming its invite), list, approve, revoke and rename devices.
 */
@Stateless
public class DeviceTrust {

    /** Invites last this long unless the owner chooses otherwise. */
    public static final Duration DEFAULT_INVITE_VALIDITY = Duration.ofMinutes(10);
    private static final char[] CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final int CODE_LENGTH = 26;
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    @Inject
    private Event<DeviceRevoked> revocations;

    @Inject
    private Event<DeviceApproved> approvals;

    /** The decision for a phone, and its device record when it has one now. */
    public record AdmissionResult(Admission.Decision decision, UUID deviceId) {
    }

    @Inject
    private ConfiguredSettings settings;

    /** A new one-time invite code for the persona (shown once: only its hash is kept). */
    public String mintInvite(UUID personaId, Duration validity) {
        if (validity.isNegative() || validity.isZero() || validity.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("An invite must be valid for more than 0 and at most 7 days, not "
                    + validity);
        }
        char[] code = new char[CODE_LENGTH];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)];
        }
        String text = new String(code);
        Instant now = Instant.now();
        entityManager.persist(new Invite(hash(text), personaId, now, now.plus(validity)));
        return text;
    }

    /**
     * Decides for a phone that proved its key: known devices by their status, new ones by the invite they
     * present (consumed when it pairs or registers them). Records the device and when it was last seen.
     */
    public AdmissionResult admit(UUID personaId, byte[] devicePublicKey, String inviteCode, String userAgent) {
        Instant now = Instant.now();
        Device device = findDevice(personaId, devicePublicKey);
        boolean presented = inviteCode != null && !inviteCode.isBlank();
        Invite invite = presented
                ? entityManager.find(Invite.class, hash(inviteCode.strip().toLowerCase(Locale.ROOT)),
                        LockModeType.PESSIMISTIC_WRITE)
                : null;
        Admission.InviteState inviteState = invite == null ? Admission.InviteState.NONE : invite.state(personaId);
        Admission.Decision decision = Admission.decide(device == null ? null : device.status(), presented,
                inviteState, settings.get(ApprovalPolicy.SETTING), now);
        boolean inviteAccepted = invite != null && Admission.inviteUsable(inviteState, now)
                && (device == null || device.status() != DeviceStatus.APPROVED);
        if (inviteAccepted) {
            DeviceStatus status = decision.admitted() ? DeviceStatus.APPROVED : DeviceStatus.PENDING;
            if (device == null) {
                device = new Device(personaId, devicePublicKey, userAgent, status, now);
                entityManager.persist(device);
            } else {
                device.status(status);
            }
            invite.markUsed(device.id(), now);
        }
        if (device != null) {
            device.seen(now);
        }
        return new AdmissionResult(decision, device == null ? null : device.id());
    }

    /** Whether the key is an approved device of the persona (asked for each offer: other phones are strangers). */
    public boolean approved(UUID personaId, byte[] devicePublicKey) {
        Device device = findDevice(personaId, devicePublicKey);
        return device != null && device.status() == DeviceStatus.APPROVED;
    }

    public List<Device> devices(UUID personaId) {
        return entityManager.createQuery("select d from Device d where d.personaId = :persona order by d.firstSeen",
                Device.class).setParameter("persona", personaId).getResultList();
    }

    /** Approves the device; a phone of it waiting on an open channel is admitted at once. */
    public void approve(UUID deviceId) {
        Device device = device(deviceId);
        device.status(DeviceStatus.APPROVED);
        approvals.fire(new DeviceApproved(device.personaId(), device.id()));
    }

    /** Revokes the device and tells live sessions to end now. */
    public void revoke(UUID deviceId) {
        Device device = device(deviceId);
        device.status(DeviceStatus.REVOKED);
        revocations.fire(new DeviceRevoked(device.personaId(), device.id(), device.publicKey()));
    }

    public void rename(UUID deviceId, String name) {
        device(deviceId).rename(name);
    }

    private Device device(UUID deviceId) {
        Device device = entityManager.find(Device.class, deviceId);
        if (device == null) {
            throw new IllegalArgumentException("No device " + deviceId);
        }
        return device;
    }

    private Device findDevice(UUID personaId, byte[] publicKey) {
        return entityManager.createQuery("select d from Device d where d.personaId = :persona and d.publicKey = :key",
                        Device.class)
                .setParameter("persona", personaId).setParameter("key", publicKey)
                .getResultStream().findFirst().orElse(null);
    }

    private static byte[] hash(String code) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
