package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocket;

import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.JavaPhone.Received;
import dev.persona.testkit.JavaPhone.Turn;
import dev.persona.testkit.OwnerConsole;
import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The disk filling up under the deployed host: its data directory on a small file system of its own (a tmpfs the
 * test mounts, as root), a Java phone chatting and the owner signed in to the console. The disk filled while an
 * answer is asked for: the phone hears {@code storage-failed} and the host keeps running; once space is freed the
 * next turn is answered and stored without a restart (H2 closed the database at the failed write; the datasource's
 * pool validates each connection it hands out, drops the dead ones, and a new one opens the database again). The
 * disk filled while a model uploads: a 507 that says what happened, no part file left, the models folder as it was,
 * and the next turn stored. After the stop the database opens with every message stored before the disk filled and
 * every turn answered after it, each once. One host. Runs in the network namespace of the failsafe execution
 * {@code loopback-network} (WebRTC).
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskFullIT {

    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(240);
    /** Turns asked on the full disk until one cannot be stored (H2 first fills the free space inside its file). */
    private static final int FULL_DISK_TURNS = 12;
    private static final Path MOUNT = Path.of("target/it-data/disk-full").toAbsolutePath();

    private static PersonaHost host;
    private static String hostId;
    private static JavaPhone phone;
    private static OwnerConsole console;
    private static String conversation;
    /** The turns answered after the disk was full and freed again: question and answer, as the phone heard them. */
    private static final List<String> storedAfterFreeing = new ArrayList<>();
    private static String beforeAnswer;

    @BeforeAll
    static void startHostOnASmallDisk() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        unmount();
        Directories.deleteRecursively(MOUNT);
        Files.createDirectories(MOUNT);
        run("mount", "-t", "tmpfs", "-o", "size=400m,mode=0700", "persona-disk-full", MOUNT.toString());
        host = new PersonaHost(MOUNT.resolve("data")).with("PERSONA_CHAT_MAX_TOKENS", "200");
        PersonaHost.Run started = host.start();
        PersonaHost.PairingUrl pairing = started.pairingUrl();
        hostId = pairing.hostId();
        console = OwnerConsole.signIn(host, started.consolePassword());
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
    @Order(1)
    void aFullDiskIsAClearErrorAndOnceSpaceIsFreedTheNextTurnIsStoredWithoutARestart() throws Exception {
        phone.chat("before", null, "Remember the word avocado.");
        conversation = phone.expect("accepted", REPLY).message().getString("conversation");
        Turn before = phone.turnUntilEnd("before", ANSWER);
        assertEquals("done", before.last().type(), before.messages().toString());
        beforeAnswer = before.answer();

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

        // Space again: the next turn is answered and stored, with the host running on.
        Files.delete(filler);
        chatAndExpectStored("freed", "Are you still there?");
    }

    @Test
    @Order(2)
    void anUploadTheDiskFillsUpUnderIs507AndLeavesNoFileTheModelsAsTheyWereAndTheChatStoring() throws Exception {
        Path models = host.dataDirectory.resolve("models");
        Map<String, String> modelsBefore = checksums(models);
        long declared = 64L << 20;
        assertTrue(Files.getFileStore(MOUNT).getUsableSpace() > 2 * declared, "the upload fits when it starts");
        Path filler = MOUNT.resolve("filler");
        try (SSLSocket socket = OwnerConsole.openSocket(host, ANSWER)) {
            OwnerConsole.sendUploadHead(socket, host, "filling.gguf", declared, console.sessionCookie());
            OutputStream body = socket.getOutputStream();
            byte[] chunk = new byte[1 << 20];
            for (int sent = 0; sent < 8; sent++) {
                body.write(chunk);
            }
            body.flush();
            awaitTrue(() -> partFiles(models) > 0, "the upload streams into a part file");
            // The disk fills up while the upload streams; the rest of the body comes after.
            fill(filler);
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                try {
                    for (int sent = 8; sent < 64; sent++) {
                        body.write(chunk);
                    }
                    body.flush();
                } catch (IOException answeredAndClosed) {
                    // the host answered and closed the connection before the whole body was sent
                }
            });
            String answer = OwnerConsole.readAnswer(socket);
            assertTrue(answer.startsWith("HTTP/1.1 507"), answer + "\n" + host.serverLogTail());
            assertTrue(answer.contains("failed after") && answer.contains("free now")
                    && answer.contains("was deleted"), answer);
            socket.close();
            rest.join();
        } finally {
            Files.deleteIfExists(filler);
        }
        awaitTrue(() -> partFiles(models) == 0, "no part file left");
        assertEquals(modelsBefore, checksums(models), "the models folder as it was, each model unchanged");
        chatAndExpectStored("after-upload", "And after the upload?");
    }

    @Test
    @Order(3)
    void afterTheStopTheDatabaseOpensWithEverythingStoredBeforeAndAfterTheFullDiskOnce() throws Exception {
        phone.disconnect();
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
        assertEquals(storedAfterFreeing, rows.subList(rows.size() - storedAfterFreeing.size(), rows.size()),
                "the turns after space was freed, stored without a restart: " + rows);
        for (String row : storedAfterFreeing) {
            assertEquals(1, rows.stream().filter(row::equals).count(), "stored once: " + row + " in " + rows);
        }
        assertEquals(1, rows.stream().filter(r -> r.equals("USER|COMPLETE|Remember the word avocado.")).count(),
                "nothing doubled: " + rows);
    }

    /** A turn in the conversation that must be answered; its question and answer must be stored. */
    private static void chatAndExpectStored(String id, String text) throws Exception {
        phone.chat(id, conversation, text);
        Turn turn = phone.turnUntilEnd(id, ANSWER);
        assertEquals("done", turn.last().type(), turn.messages().toString() + "\n" + host.serverLogTail());
        storedAfterFreeing.add("USER|COMPLETE|" + text);
        storedAfterFreeing.add("ASSISTANT|COMPLETE|" + turn.answer());
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

    private static long partFiles(Path models) throws IOException {
        try (Stream<Path> files = Files.list(models)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).count();
        }
    }

    /** The folder's entries and the SHA-256 of each regular file among them. */
    private static Map<String, String> checksums(Path folder) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String sum = "";
                if (Files.isRegularFile(file)) {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    sum = HexFormat.of().formatHex(digest.digest());
                }
                sums.put(file.getFileName().toString(), sum);
            }
        }
        return sums;
    }

    /** Something the test waits for. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + ANSWER + "\n" + host.serverLogTail());
            }
            Thread.sleep(100);
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
