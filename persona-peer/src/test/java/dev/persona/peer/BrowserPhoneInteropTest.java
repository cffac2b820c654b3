package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.persona.peer.SessionClosed.Reason;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real headless Chromium running the stock peerjs 1.5.5 client (from npm, installed by the build) connects to the
 * Java host peer through a minimal PeerJS relay, all inside the loopback network namespace: proof that a browser and
 * the JVM agree on the offer, the candidates, both serializations and the chunk format. Skipped where Chromium is
 * not installed ({@code apt-get install chromium}).
 */
@Tag("loopback-network")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrowserPhoneInteropTest {

    private static final String HOST_ID = "persona-host";
    private static final String PHONE_ID = "browser-phone";
    private static final Path CHROMIUM = Path.of(System.getProperty("persona.test.chromium",
            "/usr/lib/chromium/chromium"));

    @TempDir
    Path work;

    @Test
    void stockPeerjsInChromiumChatsWithTheHostPeer() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + " (apt-get install chromium); the browser interop test is skipped.");
        LoopbackNetwork.require();
        Path peerjs = Path.of(System.getProperty("persona.test.peerjs.dir", "target/peerjs-client/node_modules/"
                + "peerjs/dist")).resolve("peerjs.min.js");
        assertTrue(Files.isRegularFile(peerjs), "No peerjs bundle at " + peerjs + ": the build installs it with npm "
                + "(execution install-peerjs-for-tests) before the tests run.");

        List<RecordingListener> listeners = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(4);
        executor.setRemoveOnCancelPolicy(true);
        Path browserLog = work.resolve("chromium.log");
        Process browser = null;
        try (HostPeer hostPeer = new HostPeer(new HostPeerSettings(List.of(), 0, 0, Duration.ofSeconds(10),
                4 * 1024 * 1024, 8, HostPeerSettings.defaults().handshake(), Duration.ofMinutes(1), null, false),
                executor);
             PeerjsTestRelay relay = new PeerjsTestRelay(HOST_ID, page(), Files.readAllBytes(peerjs))) {
            relay.attachHost(hostPeer.attach(HOST_ID, relay.hostLink(), request -> {
                RecordingListener listener = RecordingListener.echoing();
                listeners.add(listener);
                return Optional.of(listener);
            }));

            long launched = System.nanoTime();
            ProcessBuilder chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--user-data-dir=" + work.resolve("profile"), "--allow-loopback-in-peer-connection",
                    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    relay.url("host=" + HOST_ID + "&phone=" + PHONE_ID))
                    .redirectErrorStream(true).redirectOutput(browserLog.toFile());
            // Chromium's own temporary files (its singleton socket) stay inside the test's directory.
            chromium.environment().put("TMPDIR", Files.createDirectory(work.resolve("tmp")).toString());
            browser = chromium.start();
            JsonObject report = awaitReport(relay, browserLog);
            long launchToReport = System.nanoTime() - launched;

            assertFalse(report.containsKey("error"), () -> "The page failed: " + report.getString("error")
                    + "\nSignaling: " + relay.traffic() + "\nChromium: " + tail(browserLog));
            assertTrue(report.getBoolean("bigEchoEqual"), "the 300 000-character message came back different");
            assertEquals("binary:5", report.getString("binaryAnswer"));
            assertTrue(report.getBoolean("greetingEchoEqual"), "the JSON greeting came back different");
            assertTrue(report.getBoolean("historyEchoEqual"), "the chunked JSON message came back different");
            assertEquals(2, listeners.size(), "one session per peer.connect");
            assertEquals(Serialization.RAW, listeners.get(0).opened.getNow(null).request().serialization());
            assertEquals("interop", listeners.get(0).opened.getNow(null).request().metadata().asJsonObject()
                    .getString("page"));
            SessionClosed jsonEnding = listeners.get(1).closed.get(10, TimeUnit.SECONDS);
            assertEquals(Reason.CLOSED_BY_PHONE, jsonEnding.reason(), "connection.close({flush: true})");

            Measurements.record(String.format("Chromium (%s) with peerjs 1.5.5: peer.connect -> open %.0f ms "
                            + "(raw, first), %.0f ms (json, second); page load -> first channel open %.0f ms; "
                            + "1 KB echo median %.2f ms, p95 %.2f ms; %d KiB chunked echo %.0f ms; browser launch -> "
                            + "results %d ms",
                    report.getString("userAgent").replaceAll(".*(Chrome/[0-9.]+).*", "$1"),
                    report.getJsonNumber("rawOpenMs").doubleValue(), report.getJsonNumber("jsonOpenMs").doubleValue(),
                    report.getJsonNumber("firstOpenSinceLoadMs").doubleValue(),
                    report.getJsonNumber("rttMedianMs").doubleValue(), report.getJsonNumber("rttP95Ms").doubleValue(),
                    report.getInt("bigBytes") / 1024, report.getJsonNumber("bigMs").doubleValue(),
                    TimeUnit.NANOSECONDS.toMillis(launchToReport)));
        } finally {
            if (browser != null) {
                stop(browser);
            }
            executor.shutdownNow();
        }
    }

    private static JsonObject awaitReport(PeerjsTestRelay relay, Path browserLog) throws Exception {
        try {
            return relay.report().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("Chromium reported nothing within 60 s. If the signaling below shows OFFER and ANSWER but "
                    + "no channel opened, ICE did not connect (Chromium needs --allow-loopback-in-peer-connection and "
                    + "microphone permission to use loopback).\nSignaling: " + relay.traffic() + "\nChromium: "
                    + tail(browserLog));
        }
    }

    private static byte[] page() throws IOException {
        try (InputStream page = BrowserPhoneInteropTest.class.getResourceAsStream("browser/phone.html")) {
            return page.readAllBytes();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Chromium runs a process tree; all of it goes. */
    private static void stop(Process browser) throws InterruptedException {
        List<ProcessHandle> tree = browser.descendants().toList();
        browser.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!browser.waitFor(5, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
