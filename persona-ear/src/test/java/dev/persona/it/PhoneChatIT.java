package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.signaling.identity.KeyId;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PhonePage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The product's main path, all real: the phone page in headless Chromium opens the QR URL the host printed, gets
 * its identity, signs in to the host's signaling, opens a WebRTC data channel to the host peer inside WildFly,
 * passes the mutual handshake with the invite, chats with the real llama-server (tiny model) with streamed tokens,
 * stops an answer, retries one, waits in line behind a second phone on the host's one slot, finds its conversation
 * after a reload and in its list, reconnects by itself after the host restarts; the page is installable (manifest,
 * service worker caching only the shell) and its first load is measured; a second phone with the spent invite is
 * refused and becomes the first phone by importing its exported identity (asked, under a passphrase); the key it
 * had stored the way phones did before keys were sealed is sealed on load and kept, and every phone's key is a
 * non-extractable CryptoKey in IndexedDB with no private key in localStorage, also after a reload. Runs in a network namespace of its own
 * (loopback plus 127.0.0.2), so no packet leaves the machine. Screenshots of each state go to target/screenshots.
 */
@Tag("loopback-network")
class PhoneChatIT {

    /** Generous: on 2 busy cores the tiny model may make only ~50 tokens/s, and Chromium starts slowly. */
    private static final Duration CONNECT = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(180);
    private static final Duration REPLY = Duration.ofSeconds(30);
    private static final String PASSPHRASE = "moving day 2026";

    private static PersonaHost host;
    private static String pairingUrl;
    private static OwnerDesk owner;
    private static final List<PhonePage> pages = new ArrayList<>();

    @BeforeAll
    static void startHost() throws Exception {
        // One llama-server slot (of 4 096 tokens), so that a second phone waits in line; long answers, so that one
        // can be stopped half way.
        host = new PersonaHost(Path.of("target/it-data/phone-chat").toAbsolutePath())
                .with("PERSONA_LLAMA_PARALLEL_SLOTS", "1").with("PERSONA_LLAMA_CONTEXT_SIZE", "4096")
                .with("PERSONA_CHAT_MAX_TOKENS", "1200");
        Directories.deleteRecursively(host.dataDirectory);
        PersonaHost.Run started = host.start();
        Matcher url = Pattern.compile("open (https://\\S+/client\\?id=k1[a-z2-7]{52}&invite=[a-z2-9]+)")
                .matcher(started.output());
        assertTrue(url.find(), started.output());
        pairingUrl = url.group(1);
        owner = OwnerDesk.deployInto(host);
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(() -> pages.forEach(PhonePage::close)).checkingLog().run();
    }

    private static PhonePage page(String profile) throws Exception {
        PhonePage page = new PhonePage(host, profile);
        pages.add(page);
        return page;
    }

    @Test
    void aPhonePairsChatsStopsRetriesWaitsInLineReconnectsAndMovesItsIdentity() throws Exception {
        PhonePage phone = page("phone");
        phone.open(pairingUrl);
        phone.screenshot("01-connecting");
        phone.awaitState("ready", CONNECT);
        phone.screenshot("02-ready");
        firstLoadCompressed(phone);
        String device = phone.deviceId();
        assertKeySealed(phone);
        assertTrue(phone.displayed("composer"));
        assertFalse(phone.displayed("stop"), "nothing to stop yet");
        assertFalse(phone.driver.getCurrentUrl().contains("invite="), "the spent invite leaves the address bar");
        assertEquals("Persona", phone.driver.findElement(By.id("persona")).getText());
        assertEquals("Model: persona-tiny", phone.driver.findElement(By.id("model")).getText());
        long maxText = Long.parseLong(phone.driver.findElement(By.id("input")).getAttribute("maxLength"));
        assertTrue(maxText > 100 && maxText < 16_000, "the input is limited to what fits a slot: " + maxText);

        // A streamed answer: the text grows while it arrives, then the turn ends.
        phone.send("Hello, who are you?");
        List<Integer> lengths = new ArrayList<>();
        new WebDriverWait(phone.driver, ANSWER).pollingEvery(Duration.ofMillis(20)).until(d -> {
            List<WebElement> answers = phone.bubbles("assistant");
            int length = answers.isEmpty() ? 0 : phone.text(answers.get(0)).length();
            if (lengths.isEmpty() || lengths.get(lengths.size() - 1) != length) {
                lengths.add(length);
            }
            return phone.displayed("send");
        });
        phone.screenshot("03-answered");
        String firstAnswer = phone.text(phone.bubbles("assistant").get(0));
        assertTrue(firstAnswer.length() > 20, "an answer came: " + firstAnswer);
        assertTrue(lengths.stream().filter(l -> l > 0).count() >= 3,
                "the answer arrived in pieces, not at once: lengths seen " + lengths);
        assertTrue(phone.bubbles("assistant").get(0).findElement(By.className("copy")).isDisplayed());

        // Stop the second answer as soon as it starts.
        phone.send("Tell me a long story.");
        phone.awaitAnswerStarted(2, REPLY);
        phone.driver.findElement(By.id("stop")).click();
        phone.awaitIdle(REPLY);
        phone.screenshot("04-stopped");
        String stopped = phone.text(phone.lastAnswer());
        assertEquals("Stopped.", phone.note(phone.lastAnswer()));

        // Retry sends the same question again as a new turn.
        phone.lastAnswer().findElement(By.className("retry")).click();
        phone.awaitAnswerStarted(3, REPLY);
        assertEquals(3, phone.bubbles("user").size());
        assertEquals("Tell me a long story.", phone.text(phone.bubbles("user").get(2)));

        // A second phone, paired with an invite the owner minted, waits in line for the only slot.
        PhonePage second = page("second");
        second.open(pairingUrl.replaceFirst("invite=[a-z2-9]+", "invite=" + owner.invite()));
        second.awaitState("ready", CONNECT);
        second.send("Are you there?");
        new WebDriverWait(second.driver, REPLY).until(d -> second.bubbles("assistant").size() == 1
                && second.note(second.lastAnswer()).contains("position 1"));
        second.screenshot("05-queued");
        assertEquals("Waiting for a free slot: position 1.", second.note(second.lastAnswer()));
        phone.driver.findElement(By.id("stop")).click();
        phone.awaitIdle(REPLY);
        second.awaitAnswerStarted(1, ANSWER);
        second.driver.findElement(By.id("stop")).click();
        second.awaitIdle(REPLY);

        // Reload: the same identity reconnects without an invite and the conversation comes back.
        phone.driver.navigate().refresh();
        phone.awaitState("ready", CONNECT);
        assertEquals(device, phone.deviceId(), "the sealed key survives a reload");
        assertKeySealed(phone);
        new WebDriverWait(phone.driver, REPLY).until(d -> phone.bubbles("user").size() == 3);
        phone.screenshot("06-history");
        assertEquals("Hello, who are you?", phone.text(phone.bubbles("user").get(0)));
        assertEquals(firstAnswer, phone.text(phone.bubbles("assistant").get(0)), "the stored answer is the one shown");
        assertEquals(stopped, phone.text(phone.bubbles("assistant").get(1)),
                "the stopped answer was stored as far as it went");

        // The conversations: a new chat empties the screen, the list opens the old one again.
        phone.driver.findElement(By.id("menu-button")).click();
        new WebDriverWait(phone.driver, REPLY)
                .until(d -> !d.findElements(By.cssSelector("#conversations li")).isEmpty());
        phone.screenshot("07-menu");
        phone.driver.findElement(By.id("new")).click();
        assertTrue(phone.bubbles("user").isEmpty());
        phone.driver.findElement(By.id("menu-button")).click();
        phone.click(By.cssSelector("#conversations .open"), REPLY);
        new WebDriverWait(phone.driver, REPLY).until(d -> phone.bubbles("user").size() == 3);

        // Dark mode follows the system's setting.
        phone.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        phone.screenshot("08-dark");
        assertEquals("rgb(16, 18, 22)", phone.script("return getComputedStyle(document.body).backgroundColor"));
        phone.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));

        installable(phone);

        // The host goes away and comes back: the page says so, tries again with back-off, and reconnects alone.
        host.stop();
        phone.awaitState("error", REPLY);
        // The status may first say only what was lost; the back-off's countdown follows.
        new WebDriverWait(phone.driver, REPLY).until(d -> phone.status().contains("Trying again in"));
        phone.screenshot("09-reconnecting");
        host.start();
        phone.awaitState("ready", Duration.ofSeconds(120));
        new WebDriverWait(phone.driver, REPLY).until(d -> phone.bubbles("user").size() == 3);

        // A second phone with the same, now spent, invite is refused... It had a key for this host stored the way
        // phones did before keys were sealed (the raw seed in localStorage): the page seals it and keeps it.
        PhonePage stranger = page("stranger");
        stranger.open(stranger.origin() + "/client-icon-192.png");
        String rawX = (String) stranger.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "crypto.subtle.generateKey({name: 'Ed25519'}, true, ['sign', 'verify'])"
                + ".then(pair => crypto.subtle.exportKey('jwk', pair.privateKey)).then(({x, d}) => {"
                + "  localStorage.setItem('persona-identity-' + arguments[0], JSON.stringify({kty: 'OKP',"
                + "    crv: 'Ed25519', x, d, created: '2026-01-01T00:00:00Z'}));"
                + "  done(x); })", pairingUrl.replaceAll(".*[?&]id=([^&]+).*", "$1"));
        stranger.open(pairingUrl);
        stranger.awaitStatus("already used", CONNECT);
        assertEquals(KeyId.of(Base64.getUrlDecoder().decode(rawX)).toString(), stranger.deviceId(),
                "the page kept the phone's stored key");
        assertKeySealed(stranger);
        stranger.screenshot("10-refused");
        assertEquals("refused", stranger.state());
        assertFalse(stranger.displayed("composer"), "a refused phone cannot chat");

        // ...until it imports the first phone's exported identity: then it is that phone, history included.
        phone.driver.findElement(By.id("menu-button")).click();
        phone.driver.findElement(By.id("export")).click();
        Alert ask = new WebDriverWait(phone.driver, REPLY).until(ExpectedConditions.alertIsPresent());
        assertTrue(ask.getText().contains("chat with this host as this phone"), ask.getText());
        ask.accept();
        Alert passphrase = new WebDriverWait(phone.driver, REPLY).until(ExpectedConditions.alertIsPresent());
        passphrase.sendKeys(PASSPHRASE);
        passphrase.accept();
        Path exported = awaitDownload(phone.downloads);
        assertTrue(Files.readString(exported).contains("\"format\": \"persona-identity\""));
        assertFalse(Files.readString(exported).contains("\"d\""), "the file holds the key encrypted only");
        String firstPhone = phone.deviceId();
        phone.close();   // one browser per identity: a second would take the id over (the page says so)
        stranger.driver.findElement(By.id("import-file")).sendKeys(exported.toString());
        Alert asked = new WebDriverWait(stranger.driver, REPLY).until(ExpectedConditions.alertIsPresent());
        asked.sendKeys(PASSPHRASE);
        asked.accept();
        stranger.awaitState("ready", CONNECT);
        assertEquals(firstPhone, stranger.deviceId(), "the imported identity is the first phone's");
        stranger.driver.findElement(By.id("menu-button")).click();
        stranger.click(By.cssSelector("#conversations .open"), REPLY);
        new WebDriverWait(stranger.driver, REPLY).until(d -> stranger.bubbles("user").size() == 3);
        stranger.screenshot("11-imported");
    }

    /**
     * The page's key for the host is sealed: localStorage has its public key and no private key, and IndexedDB holds
     * it as a CryptoKey that cannot be exported (issue 14, finding 13).
     */
    private static void assertKeySealed(PhonePage phone) {
        @SuppressWarnings("unchecked")
        List<String> records = (List<String>) phone.script("return Object.keys(localStorage)"
                + ".filter(k => k.startsWith('persona-identity-')).map(k => localStorage.getItem(k))");
        assertFalse(records.isEmpty(), "the page stored its identity");
        for (String record : records) {
            assertTrue(record.contains("\"sealed\":true") && !record.contains("\"d\""),
                    "localStorage holds no private key: " + record.replaceAll("\"d\":\"[^\"]*\"", "\"d\":\"…\""));
        }
        Object sealed = phone.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const x = JSON.parse(arguments[0]).x;"
                + "const open = indexedDB.open('persona-keys');"
                + "open.onerror = () => done('no key store: ' + open.error);"
                + "open.onsuccess = () => { const get = open.result.transaction('keys').objectStore('keys').get(x);"
                + "  get.onsuccess = () => { const k = get.result && get.result.privateKey;"
                + "    if (!k) return done('no key for ' + x);"
                + "    crypto.subtle.exportKey('jwk', k).then(() => done('exported!'),"
                + "      e => done(k.type + ' ' + k.algorithm.name + ' extractable=' + k.extractable + ' ' + e.name)); };"
                + "  get.onerror = () => done('unreadable: ' + get.error); };", records.get(0));
        assertEquals("private Ed25519 extractable=false InvalidAccessError", sealed);
    }

    /**
     * What Chromium received for its first load of the page (Resource Timing): the page and its script arrived
     * compressed, and what it fetched before it was ready stays within PageWeightIT's budget.
     */
    @SuppressWarnings("unchecked")
    private static void firstLoadCompressed(PhonePage phone) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) phone.script("return performance"
                + ".getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                + ".filter(e => e.name.startsWith(location.origin))"
                + ".map(e => ({name: new URL(e.name).pathname, transfer: e.transferSize, encoded: e.encodedBodySize,"
                + " decoded: e.decodedBodySize}))");
        System.out.println("[measure] Chromium's first load of the phone page (Resource Timing): " + entries);
        long transferred = 0;
        boolean script = false;
        for (Map<String, Object> entry : entries) {
            String name = (String) entry.get("name");
            long encoded = ((Number) entry.get("encoded")).longValue();
            long decoded = ((Number) entry.get("decoded")).longValue();
            transferred += ((Number) entry.get("transfer")).longValue();
            if (name.equals("/client") || name.matches("/client\\.[0-9A-Za-z]{8,}\\.js")) {
                assertTrue(encoded > 0 && encoded * 2 < decoded, name + " arrived compressed: " + entry);
                script |= name.endsWith(".js");
            }
        }
        assertTrue(script, "the page's hashed script was loaded: " + entries);
        assertTrue(transferred <= PageWeightIT.FIRST_LOAD_BUDGET, "Chromium's first load " + transferred + " B: "
                + entries);
    }

    /** Manifest, service worker with the shell only in its cache, no installability errors (page weight: PageWeightIT). */
    private static void installable(PhonePage phone) throws Exception {
        Object scope = phone.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "navigator.serviceWorker.ready.then(r => done(r.scope), e => done('failed: ' + e));");
        assertEquals(phone.origin() + "/client", scope);
        @SuppressWarnings("unchecked")
        List<String> cached = (List<String>) phone.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys()))))"
                + ".then(lists => done(lists.flat().map(r => new URL(r.url).pathname).sort()),"
                + " e => done([String(e)]));");
        assertEquals(4, cached.size(), "the service worker caches the shell and nothing else: " + cached);
        assertEquals("/client", cached.get(0), "the page: " + cached);
        for (String[] file : new String[][] {{"/client-icon.", ".svg"}, {"/client-manifest.", ".json"},
                {"/client.", ".js"}}) {
            assertTrue(cached.stream().anyMatch(path -> path.matches(Pattern.quote(file[0]) + "[0-9A-Za-z]{8,}"
                    + Pattern.quote(file[1]))), "the shell's " + file[1] + " under its hashed name: " + cached);
        }
        Object errors = phone.driver.executeCdpCommand("Page.getInstallabilityErrors", Map.of());
        assertEquals(Map.of("installabilityErrors", List.of()), errors, "Chromium finds the page installable");
    }

    private static Path awaitDownload(Path directory) throws Exception {
        long deadline = System.nanoTime() + REPLY.toNanos();
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(directory)) {
                var done = files.filter(f -> f.toString().endsWith(".json")).findFirst();
                if (done.isPresent()) {
                    return done.get();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the identity file was not downloaded into " + directory);
    }
}
