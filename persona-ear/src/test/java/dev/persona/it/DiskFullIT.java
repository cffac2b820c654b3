package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The disk filling up under the deployed host: its data directory on a small file system of its own (a tmpfs the
 * test mounts, as root), a Java phone chatting, the disk filled while an answer is asked for: the phone hears
 * {@code storage-failed}, the host keeps running and answers each later turn with the same error (H2 closed the
 * database at the failed write), and after space is freed and the host restarted the database opens with every
 * message stored before, none doubled, and the conversation goes on. One host, started twice. Runs in the network namespace of the failsafe execution {@code loopback-network}
 * (WebRTC).
 */
@Tag("loopback-network")
class DiskFullIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);
    /** Turns asked on the full disk until one cannot be stored (H2 first fills the free space inside its file). */
    private static final int FULL_DISK_TURNS = 12;
    private static final Path MOUNT = Path.of("target/it-data/disk-full").toAbsolutePath();

    private static PersonaHost host;
    private static String hostId;
    private static JavaPhone phone;

    @BeforeAll
    static void startHostOnASmallDisk() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        unmount();
        HostFoundationIT.deleteRecursively(MOUNT);
        Files.createDirectories(MOUNT);
        run("mount", "-t", "tmpfs", "-o", "size=400m,mode=0700", "persona-disk-full", MOUNT.toString());
        host = new PersonaHost(MOUNT.resolve("data")).with("PERSONA_CHAT_MAX_TOKENS", "200");
        PersonaHost.PairingUrl pairing = host.start().pairingUrl();
        hostId = pairing.hostId();
        phone = new JavaPhone(host, "disk-full");
        phone.connect(hostId);
        Received decision = phone.handshake(hostId, pairing.invite());
        assertEquals("admitted", decision.type(), decision.toString());
    }

    @AfterAll
    static void stopHostAndUnmount() throws Exception {
        try {
            JavaPhone.disposeFactory();
            if (host != null) {
                host.stop();
            }
        } finally {
            unmount();
        }
    }

    @Test
    void aFullDiskIsAClearErrorAndARestartWithSpaceLosesNothingStoredBefore() throws Exception {
        phone.chat("before", null, "Remember the word avocado.");
        String conversation = phone.expect("accepted", REPLY).message().getString("conversation");
        Turn before = phone.turnUntilEnd("before", ANSWER);
        assertEquals("done", before.last().type(), before.messages().toString());
        String beforeAnswer = before.answer();

        // The disk fills up, then answers are asked for: H2 writes into free space inside its file while there is
        // some, so turns may still be stored; the first write that needs the disk fails, and that answer streams
        // and ends with the storage error.
        Path filler = MOUNT.resolve("filler");
        fill(filler);
        assertTrue(Files.getFileStore(MOUNT).getUsableSpace() < 64 * 1024, "the disk is full");
        Turn full = null;
        for (int turn = 0; turn < FULL_DISK_TURNS && (full == null || "done".equals(full.last().type())); turn++) {
            phone.chat("full-" + turn, conversation, "Tell me about the sea.");
            full = phone.turnUntilEnd("full-" + turn, ANSWER);
        }
        assertEquals("error", full.last().type(), "a write failed within " + FULL_DISK_TURNS + " turns: "
                + full.messages());
        assertEquals("storage-failed", full.last().message().getString("code"), full.last().toString());
        assertTrue(full.last().message().getString("message").contains("disk full"), full.last().toString());

        // H2 closed the database at the failed write: until a restart, each turn hears the same clear error (not
        // silence), also once there is space again.
        Files.delete(filler);
        phone.chat("freed", conversation, "Are you still there?");
        Turn freed = phone.turnUntilEnd("freed", ANSWER);
        assertEquals("storage-failed", freed.last().message().getString("code", null), freed.messages().toString());

        // A restart opens the database, and the conversation holds what was stored before the disk filled.
        phone.disconnect();
        host.stop();
        host.start();
        phone.connectAndAdmit(hostId);
        phone.chat("after", conversation, "And now?");
        Turn after = phone.turnUntilEnd("after", ANSWER);
        assertEquals("done", after.last().type(), after.messages().toString());
        host.stop();
        List<String> rows = new ArrayList<>();
        try (Connection db = host.openDatabase(); PreparedStatement query = db.prepareStatement(
                "select role, state, text from chat_message where conversation_id = ? order by sequence")) {
            query.setObject(1, UUID.fromString(conversation));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3));
                }
            }
        }
        assertEquals(List.of("USER|COMPLETE|Remember the word avocado.", "ASSISTANT|COMPLETE|" + beforeAnswer),
                rows.subList(0, 2), "what was stored before the disk filled: " + rows);
        assertEquals(List.of("USER|COMPLETE|And now?", "ASSISTANT|COMPLETE|" + after.answer()),
                rows.subList(rows.size() - 2, rows.size()), "the turn after the restart: " + rows);
        assertEquals(1, rows.stream().filter(r -> r.equals("USER|COMPLETE|Remember the word avocado.")).count(),
                "nothing doubled: " + rows);
    }

    /** Writes {@code file} until the disk is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                try {
                    out.write(block);
                } catch (IOException full) {
                    break;
                }
            }
            byte[] small = new byte[4096];
            while (true) {
                try {
                    out.write(small);
                    out.flush();
                } catch (IOException full) {
                    return;
                }
            }
        } catch (IOException closingAFullFile) {
            // The last buffered bytes found no room either.
        }
    }

    private static void unmount() throws Exception {
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + MOUNT + " ")) {
            run("umount", "-l", MOUNT.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + " (the test runs as root): " + output);
    }
}
