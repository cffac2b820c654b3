package dev.persona.host.devices;

import java.time.Instant;

/**
 * The decision for a phone that has proven its key in the handshake: pure logic over what the database says
 * about the device and the invite it presents, so that every case is unit-tested.
 */
public final class Admission {

    /** The outcome, with a reason a phone can show and a code it can act on. */
    public record Decision(Outcome outcome, String code, String reason) {
        public boolean admitted() {
            return outcome == Outcome.ADMITTED;
        }
    }

    public enum Outcome {
        /** Chat may start. */
        ADMITTED,
        /** Known, waiting for the owner. */
        WAITING,
        /** Refused; the session ends. */
        REFUSED
    }

    /** What the database holds about the invite the phone presented; null fields when it presented none. */
    public record InviteState(boolean exists, Instant expiresAt, boolean used, boolean forThisPersona) {
        public static final InviteState NONE = new InviteState(false, null, false, false);
    }

    private Admission() {
    }

    /**
     * @param device the device's current status, or null when the key is unknown
     * @param presentedInvite whether the phone presented an invite code at all
     */
    public static Decision decide(DeviceStatus device, boolean presentedInvite, InviteState invite,
                                  ApprovalPolicy policy, Instant now) {
        if (device == DeviceStatus.APPROVED) {
            return new Decision(Outcome.ADMITTED, "approved", "This phone is paired.");
        }
        if (!presentedInvite) {
            if (device == DeviceStatus.PENDING) {
                return new Decision(Outcome.WAITING, "pending", "Waiting for the host's owner to approve this phone.");
            }
            if (device == DeviceStatus.REVOKED) {
                return new Decision(Outcome.REFUSED, "revoked",
                        "This phone's access was revoked. Scan a new QR code from the host to pair again.");
            }
            return new Decision(Outcome.REFUSED, "unknown-device",
                    "This phone is not paired with the host. Scan the QR code shown by the host.");
        }
        Decision refusedInvite = checkInvite(invite, now);
        if (refusedInvite != null) {
            if (device == DeviceStatus.PENDING) {
                return new Decision(Outcome.WAITING, "pending", "Waiting for the host's owner to approve this phone.");
            }
            return refusedInvite;
        }
        if (policy == ApprovalPolicy.INVITE) {
            return new Decision(Outcome.ADMITTED, "paired", "Paired with the host.");
        }
        return new Decision(Outcome.WAITING, "pending", "Waiting for the host's owner to approve this phone.");
    }

    /** Whether the invite exists, is for this persona, unused and unexpired. */
    public static boolean inviteUsable(InviteState invite, Instant now) {
        return checkInvite(invite, now) == null;
    }

    private static Decision checkInvite(InviteState invite, Instant now) {
        if (!invite.exists() || !invite.forThisPersona()) {
            return new Decision(Outcome.REFUSED, "invalid-invite",
                    "This invite is not valid for this host. Scan a fresh QR code from the host.");
        }
        if (invite.used()) {
            return new Decision(Outcome.REFUSED, "used-invite",
                    "This invite was already used. Ask the host's owner for a new QR code.");
        }
        if (!invite.expiresAt().isAfter(now)) {
            return new Decision(Outcome.REFUSED, "expired-invite",
                    "This invite has expired. Ask the host's owner for a new QR code.");
        }
        return null;
    }
}
