package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PersonaHost.PairingUrl;
import dev.persona.testkit.PhonePage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The owner's control over phones, seen from the phone page in headless Chromium against the real host, with the
 * owner's actions taken through the same services the console uses ({@link OwnerDesk}): with the approval policy
 * {@code admin} a phone with a valid invite waits until the owner approves it, then chats on the same channel; a
 * revoked phone is cut off at once, mid-answer, is refused when it comes back, and pairs again only with a new
 * invite; after a key rotation a paired phone still reaches the host under the old key during the grace period,
 * learns the new key, and uses it from then on. Screenshots of the states go to target/screenshots.
 */
@Tag("loopback-network")
class PhoneTrustIT {

    private static final Duration CONNECT = Duration.ofSeconds(60);
    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(180);

    private static PersonaHost host;
    private static String clientUrl;
    private static String hostId;
    private static String invite;
    private static OwnerDesk owner;
    private static PhonePage phone;

    @BeforeAll
    static void startHost() throws Exception {
        host = new PersonaHost(Path.of("target/it-data/phone-trust").toAbsolutePath())
                .with("PERSONA_DEVICES_APPROVAL", "admin")
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "16384").with("PERSONA_CHAT_MAX_TOKENS", "1500");
        Directories.deleteRecursively(host.dataDirectory);
        PairingUrl url = host.start().pairingUrl();
        clientUrl = url.clientUrl();
        hostId = url.hostId();
        invite = url.invite();
        owner = OwnerDesk.deployInto(host);
        phone = new PhonePage(host, "trust");
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(phone).checkingLog().run();
    }

    @Test
    void theOwnerApprovesRevokesMidAnswerRePairsWithANewInviteAndRotatesTheKey() throws Exception {
        // Policy admin: a valid invite registers the phone, which waits on its open channel for the owner.
        phone.open(clientUrl + "?id=" + hostId + "&invite=" + invite);
        phone.awaitState("waiting", CONNECT);
        phone.screenshot("20-waiting-for-approval");
        assertTrue(phone.status().contains("approve"), phone.status());
        assertFalse(phone.displayed("composer"), "a waiting phone cannot chat");
        String device = phone.deviceId();
        assertTrue(phone.displayed("approval"), "a waiting phone shows its approval code");
        assertEquals(OwnerDesk.approvalCode(device), phone.driver.findElement(By.id("approval-code")).getText());
        owner.approve(device);
        phone.awaitState("ready", REPLY);
        assertTrue(phone.displayed("composer"));
        assertFalse(phone.displayed("approval"), "the approval code goes once the phone is admitted");

        // Revoked mid-answer: the answer ends, the page says why, and the phone does not try again by itself.
        phone.send("Tell me a long story about the sea.");
        phone.awaitAnswerStarted(1, ANSWER);
        owner.revoke(device);
        phone.awaitState("refused", REPLY);
        phone.screenshot("21-revoked");
        assertTrue(phone.status().contains("revoked"), phone.status());
        assertFalse(phone.displayed("composer"), "a revoked phone cannot chat");
        assertFalse(phone.displayed("reconnect"), "nothing to retry");
        assertTrue(phone.note(phone.lastAnswer()).contains("revoked"), phone.note(phone.lastAnswer()));

        // Coming back without a new invite is refused; the old invite is spent.
        phone.driver.navigate().refresh();
        phone.awaitState("refused", CONNECT);
        assertTrue(phone.status().contains("revoked"), phone.status());
        phone.open(clientUrl + "?id=" + hostId + "&invite=" + invite);
        phone.awaitState("refused", CONNECT);
        assertTrue(phone.status().contains("already used"), "a spent invite does not re-pair: " + phone.status());

        // A new invite pairs it again (and, with this policy, the owner approves again).
        phone.open(clientUrl + "?id=" + hostId + "&invite=" + owner.invite());
        phone.awaitState("waiting", CONNECT);
        owner.approve(device);
        phone.awaitState("ready", REPLY);
        assertEquals(device, phone.deviceId(), "the same phone identity is paired again");

        // Key rotation: during the grace period the phone reaches the host under the key from its QR code, and
        // moves to the new key, which it then uses alone.
        String newHostId = owner.rotate(Duration.ofMinutes(10));
        assertNotEquals(hostId, newHostId);
        phone.open(clientUrl + "?id=" + hostId);
        phone.awaitState("ready", CONNECT);
        new WebDriverWait(phone.driver, REPLY).until(d -> d.getCurrentUrl().endsWith("?id=" + newHostId));
        assertEquals(phone.script("return localStorage.getItem('persona-identity-" + hostId + "')"),
                phone.script("return localStorage.getItem('persona-identity-" + newHostId + "')"),
                "the phone keeps its identity under the new key id");
        assertEquals(newHostId, phone.script("return localStorage.getItem('persona-last-host')"));
        phone.driver.navigate().refresh();
        phone.awaitState("ready", CONNECT);
        assertTrue(phone.driver.getCurrentUrl().endsWith("?id=" + newHostId), phone.driver.getCurrentUrl());
        assertEquals(device, phone.deviceId());
        phone.driver.findElement(By.id("menu-button")).click();
        phone.driver.findElement(By.id("new")).click();
        phone.send("Hello under the new key.");
        phone.awaitAnswerStarted(1, ANSWER);
        phone.driver.findElement(By.id("stop")).click();
        phone.awaitIdle(REPLY);
        phone.screenshot("22-new-key");
    }
}
