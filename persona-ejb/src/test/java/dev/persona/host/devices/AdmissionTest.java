package dev.persona.host.devices;

import static dev.persona.host.devices.Admission.Outcome.ADMITTED;
import static dev.persona.host.devices.Admission.Outcome.REFUSED;
import static dev.persona.host.devices.Admission.Outcome.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import dev.persona.host.devices.Admission.Decision;
import dev.persona.host.devices.Admission.InviteState;
import dev.persona.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final InviteState VALID = new InviteState(true, NOW.plusSeconds(600), false, true);

    private static Decision decide(DeviceStatus device, InviteState invite, ApprovalPolicy policy) {
        return Admission.decide(device, invite != InviteState.NONE, invite, policy, NOW);
    }

    @Test
    void approvedDeviceIsAdmittedWithOrWithoutInvite() {
        assertEquals(ADMITTED, decide(DeviceStatus.APPROVED, InviteState.NONE, ApprovalPolicy.ADMIN).outcome());
        assertEquals(ADMITTED, decide(DeviceStatus.APPROVED, VALID, ApprovalPolicy.ADMIN).outcome());
    }

    @Test
    void unknownDeviceWithoutInviteIsRefused() {
        Decision decision = decide(null, InviteState.NONE, ApprovalPolicy.INVITE);
        assertEquals(REFUSED, decision.outcome());
        assertEquals("unknown-device", decision.code());
    }

    @Test
    void validInviteAdmitsAtOnceOrWaitsForTheOwnerByPolicy() {
        assertEquals(ADMITTED, decide(null, VALID, ApprovalPolicy.INVITE).outcome());
        Decision waiting = decide(null, VALID, ApprovalPolicy.ADMIN);
        assertEquals(WAITING, waiting.outcome());
        assertEquals("pending", waiting.code());
    }

    @Test
    void expiredUsedForeignAndUnknownInvitesAreRefusedEachWithItsReason() {
        assertEquals("expired-invite", decide(null, new InviteState(true, NOW, false, true),
                ApprovalPolicy.INVITE).code());
        assertEquals("used-invite", decide(null, new InviteState(true, NOW.plusSeconds(60), true, true),
                ApprovalPolicy.INVITE).code());
        assertEquals("invalid-invite", decide(null, new InviteState(true, NOW.plusSeconds(60), false, false),
                ApprovalPolicy.INVITE).code());
        assertEquals("invalid-invite", decide(null, new InviteState(false, null, false, false),
                ApprovalPolicy.INVITE).code());
    }

    @Test
    void revokedDeviceIsRefusedUntilANewInvite() {
        Decision refused = decide(DeviceStatus.REVOKED, InviteState.NONE, ApprovalPolicy.INVITE);
        assertEquals(REFUSED, refused.outcome());
        assertTrue(refused.reason().contains("revoked"), refused.reason());
        assertEquals(REFUSED, decide(DeviceStatus.REVOKED, new InviteState(true, NOW.plusSeconds(9), true, true),
                ApprovalPolicy.INVITE).outcome(), "the old, used invite does not bring it back");
        assertEquals(ADMITTED, decide(DeviceStatus.REVOKED, VALID, ApprovalPolicy.INVITE).outcome());
    }

    @Test
    void pendingDeviceKeepsWaiting() {
        assertEquals(WAITING, decide(DeviceStatus.PENDING, InviteState.NONE, ApprovalPolicy.ADMIN).outcome());
        assertEquals(WAITING, decide(DeviceStatus.PENDING, new InviteState(true, NOW, true, true),
                ApprovalPolicy.ADMIN).outcome());
    }

    @Test
    void policyValuesAreParsedWithAClearError() {
        assertEquals(ApprovalPolicy.ADMIN, ApprovalPolicy.SETTING.parse(" Admin "));
        assertEquals(ApprovalPolicy.INVITE, ApprovalPolicy.SETTING.defaultValue());
        InvalidSettingException error = assertThrows(InvalidSettingException.class,
                () -> ApprovalPolicy.SETTING.parse("sometimes"));
        assertEquals("PERSONA_DEVICES_APPROVAL = 'sometimes': expected invite (a valid invite approves at once) or"
                + " admin (the owner approves).", error.getMessage());
    }
}
