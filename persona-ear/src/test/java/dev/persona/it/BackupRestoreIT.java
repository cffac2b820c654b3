package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PostgresServer;

/**
 * {@code ./persona backup} of a running host with a paired phone and a conversation, {@code ./persona restore} of
 * that archive onto a new data directory, and the same phone (its key, no invite) admitted by the restored host,
 * finding its conversation and continuing it. Also run with the host on PostgreSQL ({@link PostgresServer}): the
 * restored host then has a new, empty database of its own. Runs in the network namespace of the failsafe execution
 * {@code loopback-network} (WebRTC).
 */
@Tag("loopback-network")
class BackupRestoreIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);

    @Test
    void aRestoredHostKnowsThePairedPhoneAndItsConversation() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        PersonaHost original = new PersonaHost(Path.of("target/it-data/backup-original").toAbsolutePath())
                .with("PERSONA_CHAT_MAX_TOKENS", "16");
        Directories.deleteRecursively(original.dataDirectory);
        Path archive = Path.of("target/it-data/backup.tar.gz").toAbsolutePath();
        Files.deleteIfExists(archive);

        PersonaHost.PairingUrl pairing = original.start().pairingUrl();
        String hostId = pairing.hostId();
        JavaPhone phone = new JavaPhone(original, "backup");
        String conversation;
        try {
            phone.connect(hostId);
            assertEquals("admitted", phone.handshake(hostId, pairing.invite()).type());
            phone.chat("before", null, "Remember the word avocado.");
            conversation = phone.expect("accepted", REPLY).message().getString("conversation");
            assertEquals("done", phone.turnUntilEnd("before", ANSWER).last().type());

            PersonaHost.Run backup = original.launcher("backup", archive.toString());
            assertEquals(0, backup.exitCode(), backup.output());
            assertTrue(backup.output().contains("written to " + archive), backup.output());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));
            assertFalse(Files.exists(original.dataDirectory.resolve("run/backup.token")), "the token is used up");
        } finally {
            phone.disconnect();
            original.stop();
        }
        assertEquals(java.util.List.of(), original.serverLogErrors(), "the original host logged no error");

        PersonaHost restored = new PersonaHost(Path.of("target/it-data/backup-restored").toAbsolutePath());
        Directories.deleteRecursively(restored.dataDirectory);
        PersonaHost.Run restore = restored.launcher("restore", archive.toString());
        assertEquals(0, restore.exitCode(), restore.output());
        PersonaHost.Run again = restored.launcher("restore", archive.toString());
        assertNotEquals(0, again.exitCode(), "a restore never overwrites a host: " + again.output());
        assertTrue(again.output().contains("already holds a host"), again.output());

        PersonaHost.Run start = restored.start();
        try {
            assertTrue(start.output().contains("server certificate reused"), start.output());
            assertTrue(start.output().contains("database schema at version " + PersonaHost.schemaVersion()),
                    start.output());
            phone.connect(hostId);
            JavaPhone.Received admitted = phone.handshake(hostId, null);
            assertEquals("admitted", admitted.type(), "the restored host knows the phone: " + admitted);

            phone.send(Json.createObjectBuilder().add("type", "history").add("conversation", conversation).build());
            JsonObject stored = phone.expect("history", REPLY).message().getJsonObject("conversation");
            JsonArray messages = stored.getJsonArray("messages");
            assertEquals("Remember the word avocado.", messages.getJsonObject(0).getString("text"));
            assertEquals(2, messages.size(), "the question and its answer: " + messages);

            phone.chat("after", conversation, "Which word?");
            assertEquals(conversation, phone.expect("accepted", REPLY).message().getString("conversation"));
            Turn after = phone.turnUntilEnd("after", ANSWER);
            assertEquals("done", after.last().type(), after.messages().toString());
        } finally {
            phone.close();
            JavaPhone.disposeFactory();
            restored.stop();
        }
        assertEquals(java.util.List.of(), restored.serverLogErrors(), "the restored host logged no error");
    }
}
