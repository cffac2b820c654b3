package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The product's main path, all real: the phone page in headless Chromium opens the QR URL the host printed, gets
 * its identity, signs in to the host's signaling, opens a WebRTC data channel to the host peer inside WildFly,
 * passes the mutual handshake with the invite, chats with the real llama-server (tiny model) with streamed tokens,
 * stops an answer, reloads and finds its history; a second phone with the spent invite is refused. Runs in a network
 * namespace of its own (loopback plus 127.0.0.2), so no packet leaves the machine. Screenshots of each state go to
 * target/screenshots.
 */
@Tag("loopback-network")
class PhoneChatIT {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static PersonaHost host;
    private static String pairingUrl;
    private static final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void startHost() throws Exception {
        // Long answers, so that one can be stopped half way: 4 slots of 4 096 tokens.
        host = new PersonaHost(Path.of("target/it-data/phone-chat").toAbsolutePath())
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "16384").with("PERSONA_CHAT_MAX_TOKENS", "1200");
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        PersonaHost.Run started = host.start();
        Matcher url = Pattern.compile("open (https://\\S+/client\\?id=k1[a-z2-7]{52}&invite=[a-z2-9]+)")
                .matcher(started.output());
        assertTrue(url.find(), started.output());
        pairingUrl = url.group(1);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopAll() throws Exception {
        browsers.forEach(ChromeDriver::quit);
        if (host != null) {
            host.stop();
        }
    }

    /** A fresh headless Chromium that trusts the host's certificate key and nothing else it would not anyway. */
    private static ChromeDriver browser(String profile) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=420,860",
                "--user-data-dir=" + Files.createTempDirectory("persona-" + profile),
                // WebRTC between Chromium and the host, on loopback only (shared/notes/browser-testing.md).
                "--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--ignore-certificate-errors-spki-list=" + serverKeyHash());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        // The page may use the microphone: Chromium then offers loopback candidates instead of mDNS names.
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", "https://127.0.0.1:" + host.httpsPort,
                "permissions", List.of("audioCapture")));
        return driver;
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) of the host's server certificate, as Chromium's flag wants it. */
    private static String serverKeyHash() throws Exception {
        Properties secrets = new Properties();
        secrets.load(new StringReader(Files.readString(host.dataDirectory.resolve("tls/secrets.properties"))));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(host.dataDirectory.resolve("tls/server.p12"))) {
            store.load(in, secrets.getProperty("server.password").toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("persona");
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getPublicKey().getEncoded()));
    }

    private static void screenshot(ChromeDriver driver, String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    private static String status(ChromeDriver driver) {
        return driver.findElement(By.id("status")).getText();
    }

    private static void awaitStatus(ChromeDriver driver, String expected, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout).until(d -> status(driver).contains(expected));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("The phone page did not reach '" + expected + "' within " + timeout
                    + "; its status is '" + status(driver) + "'. Server log:\n" + host.serverLogTail(), e);
        }
    }

    private static List<WebElement> bubbles(ChromeDriver driver, String role) {
        return driver.findElements(By.cssSelector("#messages li." + role + " .text"));
    }

    @Test
    void aPhonePairsChatsWithStreamedTokensStopsAnAnswerAndFindsItsHistoryAfterAReload() throws Exception {
        ChromeDriver phone = browser("phone");
        phone.get(pairingUrl);
        awaitStatus(phone, "Ready", Duration.ofSeconds(60));
        screenshot(phone, "1-ready");
        assertTrue(phone.findElement(By.id("composer")).isDisplayed());
        assertFalse(phone.findElement(By.id("stop")).isDisplayed(), "nothing to stop yet");
        assertFalse(phone.getCurrentUrl().contains("invite="), "the spent invite leaves the address bar");

        // A streamed answer: the text grows while it arrives, then the turn ends.
        phone.findElement(By.id("input")).sendKeys("Hello, who are you?");
        phone.findElement(By.id("send")).click();
        List<Integer> lengths = new ArrayList<>();
        // Generous: on 2 busy cores the tiny model may make only ~50 tokens/s.
        new WebDriverWait(phone, Duration.ofSeconds(180)).pollingEvery(Duration.ofMillis(20)).until(d -> {
            List<WebElement> answers = bubbles(phone, "assistant");
            int length = answers.isEmpty() ? 0 : answers.get(answers.size() - 1).getText().length();
            if (lengths.isEmpty() || lengths.get(lengths.size() - 1) != length) {
                lengths.add(length);
            }
            return phone.findElement(By.id("send")).isDisplayed();
        });
        screenshot(phone, "2-answered");
        String firstAnswer = bubbles(phone, "assistant").get(0).getText();
        assertTrue(firstAnswer.length() > 20, "an answer came: " + firstAnswer);
        assertTrue(lengths.stream().filter(l -> l > 0).count() >= 3,
                "the answer arrived in pieces, not at once: lengths seen " + lengths);

        // Stop the second answer as soon as it starts.
        phone.findElement(By.id("input")).sendKeys("Tell me a long story.");
        phone.findElement(By.id("send")).click();
        new WebDriverWait(phone, Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(10))
                .until(d -> bubbles(phone, "assistant").size() == 2
                        && !bubbles(phone, "assistant").get(1).getText().isEmpty());
        phone.findElement(By.id("stop")).click();
        new WebDriverWait(phone, Duration.ofSeconds(30)).until(d -> phone.findElement(By.id("send")).isDisplayed());
        screenshot(phone, "3-stopped");
        String stopped = bubbles(phone, "assistant").get(1).getText();
        assertTrue(stopped.endsWith("[stopped]"), "the second answer was stopped: " + stopped);

        // Reload: the same identity reconnects without an invite and the conversation comes back.
        phone.navigate().refresh();
        awaitStatus(phone, "Ready", Duration.ofSeconds(60));
        new WebDriverWait(phone, Duration.ofSeconds(20)).until(d -> bubbles(phone, "user").size() == 2);
        screenshot(phone, "4-history");
        assertEquals("Hello, who are you?", bubbles(phone, "user").get(0).getText());
        assertEquals(firstAnswer, bubbles(phone, "assistant").get(0).getText(), "the stored answer is the one shown");
        assertEquals(stopped.replace(" [stopped]", ""), bubbles(phone, "assistant").get(1).getText(),
                "the stopped answer was stored as far as it went");

        // A second phone with the same, now spent, invite is refused.
        ChromeDriver stranger = browser("stranger");
        stranger.get(pairingUrl);
        awaitStatus(stranger, "already used", Duration.ofSeconds(60));
        screenshot(stranger, "5-refused");
        assertFalse(stranger.findElement(By.id("composer")).isDisplayed(), "a refused phone cannot chat");
    }
}
