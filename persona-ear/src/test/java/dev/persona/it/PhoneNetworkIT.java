package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PhoneNetwork;
import dev.persona.testkit.PhonePage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The phone page under the network conditions of real phones, against the deployed host: headless Chromium without
 * the microphone permission and the loopback flag (so it offers mDNS {@code .local} names, as phones do) runs in a
 * phone namespace on another subnet than the host, joined by a routing namespace ({@link PhoneNetwork}: no shared
 * L2, so the host cannot resolve the phone's mDNS names either). Under each condition the router's nftables filter
 * makes, the chat works, and the test reports what carried it (the selected ICE candidate pair from the page's own
 * getStats, or the relay) into {@code target/phone-network.txt}: everything forwarded; UDP dropped (ICE-TCP);
 * everything but the host's HTTPS port dropped (the relay fallback, its time measured); the phone's network card
 * taken down in the middle of an answer and brought back (the page reconnects by itself, and the answer is complete
 * or reported as cut off, never silently gone); and a browser without WebCrypto Ed25519 (the JavaScript identity).
 * Runs in the network namespace of the failsafe execution {@code loopback-network}, which is the host's.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhoneNetworkIT {

    private static final Duration CONNECT = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(180);
    private static final Path REPORT = Path.of("target/phone-network.txt");
    /** The page's note on an answer a lost connection cut off (src/main/frontend/src/cut-off.js). */
    private static final String CUT_OFF_NOTE =
            "The connection was lost before this answer was complete. Retry to ask again.";

    /**
     * Test instrumentation, before the page's scripts: keeps the page's peer connections, the ICE candidates of
     * both sides (local ones as gathered, the host's from its description and trickle), and the ICE states and
     * on/off line events with their times, for the report. It changes nothing of what the connections do.
     */
    private static final String PROBE = """
            (() => {
              const probe = window.personaProbe = { connections: [], local: [], remote: [], events: [] };
              const event = (what) => probe.events.push(`${what}@${Math.round(performance.now())}`);
              addEventListener('online', () => event('online'));
              addEventListener('offline', () => event('offline'));
              const remote = (sdp) => (sdp || '').split(/\\r?\\n/).filter((l) => l.startsWith('a=candidate:'))
                .forEach((l) => probe.remote.push(l.slice(2)));
              const Native = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends Native {
                constructor(...args) {
                  super(...args);
                  probe.connections.push(this);
                  this.addEventListener('iceconnectionstatechange', () => event(`ice ${this.iceConnectionState}`));
                  this.addEventListener('icecandidate', (e) => e.candidate?.candidate
                    && probe.local.push(e.candidate.candidate));
                }
                setRemoteDescription(description, ...rest) {
                  remote(description?.sdp);
                  return super.setRemoteDescription(description, ...rest);
                }
                addIceCandidate(candidate, ...rest) {
                  if (candidate?.candidate) probe.remote.push(candidate.candidate);
                  return super.addIceCandidate(candidate, ...rest);
                }
              };
            })();""";

    /** The selected candidate pair of the page's last connected peer connection, from its getStats. */
    private static final String SELECTED_PAIR = """
            return (async () => {
            const describe = (c) => `${c.candidateType} ${c.protocol}${c.tcpType ? '/' + c.tcpType : ''} `
              + `${c.address ?? '(hidden)'}:${c.port}`;
            for (const pc of [...window.personaProbe.connections].reverse()) {
              const stats = await pc.getStats();
              for (const s of stats.values()) {
                if (s.type === 'transport' && s.selectedCandidatePairId) {
                  const pair = stats.get(s.selectedCandidatePairId);
                  const local = stats.get(pair.localCandidateId);
                  const remote = stats.get(pair.remoteCandidateId);
                  return { local: describe(local), remote: describe(remote), protocol: local.protocol };
                }
              }
            }
            return null;
            })();""";

    private static PersonaHost host;
    private static PhoneNetwork network;
    private static OwnerDesk owner;
    private static String hostId;
    private static final List<PhonePage> pages = new ArrayList<>();

    @BeforeAll
    static void startHostAndNetwork() throws Exception {
        network = PhoneNetwork.create(); // before the host starts, so that its address is one of the host's origins
        host = new PersonaHost(Path.of("target/it-data/phone-network").toAbsolutePath())
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1").with("PERSONA_LLAMA_CONTEXT_SIZE", "2048")
                .with("PERSONA_CHAT_MAX_TOKENS", "400");
        Directories.deleteRecursively(host.dataDirectory);
        hostId = host.start().pairingUrl().hostId();
        owner = OwnerDesk.deployInto(host);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, "");
    }

    @AfterEach
    void closePages() {
        pages.forEach(PhonePage::close);
        pages.clear();
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).checkingLog().then(network).run();
    }

    /** A fresh phone (a new identity) on the phone network, with the probe, paired with a new invite. */
    private static PhonePage pairedPhone(String profile, String... initScripts) throws Exception {
        PhonePage phone = PhonePage.onPhoneNetwork(host, profile, network);
        pages.add(phone);
        phone.beforePageScripts(PROBE);
        for (String script : initScripts) {
            phone.beforePageScripts(script);
        }
        phone.open(phone.origin() + "/client?id=" + hostId + "&invite=" + owner.invite());
        phone.awaitState("ready", CONNECT);
        return phone;
    }

    /** Asks a short question and waits for its whole answer; returns the answer. */
    private static String chat(PhonePage phone) {
        int before = phone.bubbles("assistant").size();
        phone.send("Say hello in five words.");
        phone.awaitAnswerStarted(before + 1, ANSWER);
        phone.awaitIdle(ANSWER);
        String answer = phone.text(phone.lastAnswer());
        assertFalse(answer.isBlank(), "an answer came");
        assertEquals("", phone.note(phone.lastAnswer()), "the answer is complete");
        return answer;
    }

    private static boolean channelOpened(PhonePage phone) {
        return (Boolean) phone.script("return performance.getEntriesByName('persona-channel-open').length > 0");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> selectedPair(PhonePage phone) {
        return (Map<String, Object>) phone.script(SELECTED_PAIR);
    }

    @SuppressWarnings("unchecked")
    private static List<String> candidates(PhonePage phone, String side) {
        return (List<String>) phone.script("return window.personaProbe." + side);
    }

    private static void report(String condition, String text) throws Exception {
        String line = condition + ": " + text;
        System.out.println("Phone network, " + line);
        Files.writeString(REPORT, line + "\n", StandardOpenOption.APPEND);
    }

    @Test
    @Order(1)
    void onAnotherSubnetThePhoneOffersMdnsNamesAndChatsPeerToPeer() throws Exception {
        network.allowAll();
        PhonePage phone = pairedPhone("subnets");
        chat(phone);
        assertTrue(channelOpened(phone), "a data channel carries the chat");
        assertTrue(phone.driver.findElement(By.id("transport")).getAttribute("hidden") != null,
                "the page does not say it is relayed");
        List<String> local = candidates(phone, "local");
        Map<String, Object> pair = selectedPair(phone);
        assertNotNull(pair, "the page's connection has a selected candidate pair");
        assertTrue(local.stream().anyMatch(c -> c.contains(".local ")),
                "without the microphone permission the phone offers mDNS names: " + local);
        assertFalse(local.stream().anyMatch(c -> c.contains(PhoneNetwork.PHONE_ADDRESS)),
                "and never its address: " + local);
        report("two subnets, everything forwarded", "pair " + pair.get("local") + " -> " + pair.get("remote")
                + "; phone candidates " + local + "; host candidates " + candidates(phone, "remote"));
    }

    @Test
    @Order(2)
    void withUdpDroppedIceTcpCarriesTheChat() throws Exception {
        network.dropUdp();
        PhonePage phone = pairedPhone("no-udp");
        chat(phone);
        Map<String, Object> pair = selectedPair(phone);
        String carried = channelOpened(phone) ? "data channel, pair " + pair.get("local") + " -> " + pair.get("remote")
                : "relay (no data channel)";
        report("UDP dropped", carried + "; router " + network.filter().replaceAll("\\s+", " "));
        assertTrue(channelOpened(phone), "ICE-TCP between the phone and the host peer carries the chat: " + carried);
        assertEquals("tcp", pair.get("protocol"), carried);
    }

    @Test
    @Order(3)
    void withOnlyHttpsReachableTheRelayCarriesTheChat() throws Exception {
        network.onlyTcpTo(host.httpsPort);
        PhonePage phone = pairedPhone("https-only");
        List<String> runs = new ArrayList<>();
        List<Double> fallback = new ArrayList<>();
        List<Double> relayToToken = new ArrayList<>();
        List<Double> openToToken = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            if (run > 0) {
                // A page open of a paired phone (no invite) on a new chat, so that no history arrives meanwhile.
                phone.script("localStorage.removeItem('persona-conversation-" + hostId + "')");
                phone.driver.navigate().refresh();
                phone.awaitState("ready", CONNECT);
            }
            assertFalse(channelOpened(phone), "no data channel opens");
            assertEquals("Relayed through the host", phone.driver.findElement(By.id("transport")).getText());
            int before = phone.bubbles("assistant").size();
            double sent = ((Number) phone.script("document.getElementById('input').value = 'Say hello.';"
                    + "document.getElementById('send').click(); return performance.now();")).doubleValue();
            phone.awaitAnswerStarted(before + 1, ANSWER);
            phone.awaitIdle(ANSWER);
            @SuppressWarnings("unchecked")
            Map<String, Number> marks = (Map<String, Number>) phone.script(
                    "const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? null;"
                    + "return {signaling: at('persona-signaling-open'), start: at('persona-relay-start'),"
                    + " ready: at('persona-ready'), token: at('persona-first-token')};");
            String why = (String) phone.script(
                    "return performance.getEntriesByName('persona-relay-start')[0].detail");
            double signaling = marks.get("signaling").doubleValue();
            double start = marks.get("start").doubleValue();
            double ready = marks.get("ready").doubleValue();
            double token = marks.get("token").doubleValue();
            fallback.add(start - signaling);
            // The relay's start to its first token, without the time the test took to send once the page was ready.
            relayToToken.add(ready - start + token - sent);
            openToToken.add(token - (sent - ready));
            runs.add(String.format(Locale.ROOT, "page open->signaling %.0f, ->relay start %.0f (fallback %.0f, "
                    + "%s), ->ready %.0f, send->first token %.0f ms", signaling, start, start - signaling, why, ready,
                    token - sent));
        }
        report("only the host's HTTPS port reachable", "relay; " + String.join("; ", runs)
                + String.format(Locale.ROOT, "; p50 of %d: fallback (signaling open->relay start) %.0f ms, relay "
                + "start->first token %.0f ms, page open->first token %.0f ms (both without the test's own time "
                + "between ready and send)", runs.size(), median(fallback), median(relayToToken),
                median(openToToken)));
        assertTrue(median(fallback) < 10_000, "the page falls back within seconds: " + runs);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    @Order(4)
    void whenThePhonesNetworkGoesAwayMidAnswerThePageReconnectsAndTheAnswerIsNotSilentlyLost() throws Exception {
        network.allowAll();
        PhonePage phone = pairedPhone("link-down");
        try {
            // A short outage: the same path comes back, and the answer goes on where it was.
            phone.send("Count slowly from one to forty, one number per line.");
            phone.awaitAnswerStarted(1, ANSWER);
            network.phoneLink(false);
            Thread.sleep(1500); // the outage itself, not a wait for a condition
            network.phoneLink(true);
            phone.awaitIdle(ANSWER);
            String resumed = phone.text(phone.lastAnswer());
            String resumedNote = phone.note(phone.lastAnswer());
            report("phone's network card down 1.5 s mid-answer", String.format(Locale.ROOT, "answer note '%s', "
                    + "%d characters; events %s", resumedNote, resumed.length(), events(phone)));
            assertEquals("", resumedNote, "the answer resumed and completed over the same connection");
            assertFalse(resumed.isBlank());

            // A long one: the page says the connection is interrupted, gives it up, and when the network is back
            // reconnects by itself; the answer that was cut off stays on the page, marked, after the reconnect too.
            phone.send("Count slowly from one to one hundred, one number per line.");
            phone.awaitAnswerStarted(2, ANSWER);
            long down = System.nanoTime();
            network.phoneLink(false);
            phone.awaitStatus("The connection to the host is interrupted", Duration.ofSeconds(60));
            long interrupted = System.nanoTime();
            phone.awaitState("error", Duration.ofSeconds(60));
            long givenUp = System.nanoTime();
            WebElement cutBubble = phone.lastAnswer();
            String cut = phone.text(cutBubble);
            assertEquals(CUT_OFF_NOTE, phone.note(cutBubble), "the page reports the cut-off answer");
            network.phoneLink(true);
            long up = System.nanoTime();
            phone.awaitState("ready", Duration.ofSeconds(60));
            long ready = System.nanoTime();
            // The conversation as the host stored it replaces the page's bubbles: the cut-off answer is still there.
            new WebDriverWait(phone.driver, Duration.ofSeconds(30)).pollingEvery(Duration.ofMillis(100))
                    .until(ExpectedConditions.stalenessOf(cutBubble));
            assertEquals(2, phone.bubbles("user").size());
            assertEquals(2, phone.bubbles("assistant").size());
            WebElement answer = phone.lastAnswer();
            String afterNote = phone.note(answer);
            String after = phone.text(answer);
            assertTrue(after.startsWith(cut.strip()), "with what had arrived: " + after);
            boolean completedMeanwhile = afterNote.isEmpty();
            if (completedMeanwhile) {
                // Resumed, not lost: the host went on answering while the phone was away (its own ICE had not yet
                // given that path up) and stored the complete answer, which the page shows as the host stored it.
                assertTrue(after.length() > cut.length(), "the stored complete answer goes on past the cut: " + after);
            } else {
                assertEquals(CUT_OFF_NOTE, afterNote, "still reported after the reconnect");
            }
            // Retry at once: the phone's new session ended its old one on the host (docs/protocol.md section 2), the
            // cut-off turn with it where it still ran, so the question is taken and answered, never refused with
            // "Wait for the current answer".
            phone.click(By.cssSelector("#messages > li.assistant:last-child .retry"), Duration.ofSeconds(10));
            new WebDriverWait(phone.driver, ANSWER).pollingEvery(Duration.ofMillis(50))
                    .until(d -> phone.bubbles("assistant").size() == 3 && phone.displayed("send"));
            String retried = phone.text(phone.lastAnswer());
            String retriedNote = phone.note(phone.lastAnswer());
            report("phone's network card down until the page gave up", String.format(Locale.ROOT, "interrupted "
                    + "shown %d ms after the card went down, given up after %d ms; ready %d ms after it came back; "
                    + "cut-off answer %d characters, %s; Retry at once: %d characters, note '%s'; events %s",
                    millis(interrupted - down), millis(givenUp - down), millis(ready - up), cut.length(),
                    completedMeanwhile ? "completed by the host meanwhile (" + after.length() + " characters, "
                            + "stored complete)" : "shown after the reconnect with the note '" + afterNote + "'",
                    retried.length(), retriedNote, events(phone)));
            assertEquals("", retriedNote, "the retried question is taken and answered at once");
            assertFalse(retried.isBlank(), "the retried question is answered");
        } finally {
            network.phoneLink(true);
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    @SuppressWarnings("unchecked")
    private static List<String> events(PhonePage phone) {
        return (List<String>) phone.script("return window.personaProbe.events");
    }

    @Test
    @Order(5)
    void aBrowserWithoutWebCryptoEd25519ChatsWithTheJavaScriptIdentity() throws Exception {
        network.allowAll();
        String noEd25519 = """
                (() => {
                  const subtle = crypto.subtle;
                  const ed = (a) => (typeof a === 'string' ? a : a?.name)?.toLowerCase() === 'ed25519';
                  const refuse = () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
                  for (const [name, at] of [['generateKey', 0], ['importKey', 2], ['sign', 0], ['verify', 0]]) {
                    const native = subtle[name].bind(subtle);
                    subtle[name] = (...args) => ed(args[at]) ? refuse() : native(...args);
                  }
                })();""";
        PhonePage phone = pairedPhone("no-ed25519", noEd25519);
        String device = (String) phone.script("return document.getElementById('device').textContent");
        assertTrue(device.endsWith("(JavaScript Ed25519)"), device);
        chat(phone);
        report("no WebCrypto Ed25519", "JavaScript identity " + phone.deviceId() + ", chat "
                + (channelOpened(phone) ? "over the data channel" : "over the relay"));
    }
}
