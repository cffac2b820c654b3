package dev.persona.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
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
 * The phone page shows tool calls as cards: headless Chromium pairs with a host whose model server is the
 * {@link ToolCallingBackend} fixture, asks for a calculation and a note, and sees a collapsible card per call
 * (name, outcome, time; arguments and result inside) above the answer that carries the result. Screenshots go to
 * target/screenshots (tools-*.png). The browser set-up follows PhoneChatIT's.
 */
@Tag("loopback-network")
class ToolCardsIT {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Duration ANSWER = Duration.ofSeconds(90);

    private static PersonaHost host;
    private static ToolCallingBackend backend;
    private static ChromeDriver browser;

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
            if (host != null) {
                host.stop();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Test
    void toolCallsShowAsCardsAboveTheAnswer() throws Exception {
        backend = new ToolCallingBackend();
        host = new PersonaHost(Path.of("target/it-data/tool-cards").toAbsolutePath())
                .with("PERSONA_LLAMA_BACKEND_URLS", backend.url());
        HostFoundationIT.deleteRecursively(host.dataDirectory);
        Matcher url = Pattern.compile("open (https://\\S+/client\\?id=k1[a-z2-7]{52}&invite=[a-z2-9]+)")
                .matcher(host.start().output());
        assertTrue(url.find(), "the launcher prints the pairing URL");
        Files.createDirectories(SCREENSHOTS);
        browser = browser();
        browser.get(url.group(1));
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(d -> browser.findElement(By.id("status")).getText().contains("Ready"));

        ask("Please calculate 2+3*4.", 1);
        WebElement card = browser.findElements(By.cssSelector("#messages li.tool")).get(0);
        assertEquals("ok", card.getAttribute("data-outcome"));
        assertTrue(card.findElement(By.tagName("summary")).getText().matches("calculate · ok · \\d+ ms"),
                card.findElement(By.tagName("summary")).getText());
        card.findElement(By.tagName("summary")).click();
        List<WebElement> inside = card.findElements(By.tagName("pre"));
        assertEquals("{\n  \"expression\": \"2+3*4\"\n}", inside.get(0).getText());
        assertEquals("14", inside.get(1).getText());
        assertEquals("The tool answered: 14", lastAnswer());
        screenshot("tools-1-calculation");

        ask("Save a note: milk and bread.", 2);
        WebElement note = browser.findElements(By.cssSelector("#messages li.tool")).get(1);
        note.findElement(By.tagName("summary")).click();
        assertTrue(note.findElement(By.tagName("summary")).getText().startsWith("write_file · ok"));
        assertTrue(lastAnswer().startsWith("The tool answered: wrote 14 bytes to 'notes/shopping.txt'"), lastAnswer());
        screenshot("tools-2-note");
    }

    private static void ask(String text, int cards) {
        browser.findElement(By.id("input")).sendKeys(text);
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, ANSWER).until(d -> browser.findElement(By.id("send")).isDisplayed()
                && browser.findElements(By.cssSelector("#messages li.tool:not([data-outcome=running])")).size() == cards);
    }

    private static String lastAnswer() {
        List<WebElement> answers = browser.findElements(By.cssSelector("#messages li.assistant .text"));
        return answers.get(answers.size() - 1).getText();
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static ChromeDriver browser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=420,860",
                "--user-data-dir=" + Files.createTempDirectory("persona-tool-cards"),
                "--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", "--ignore-certificate-errors-spki-list=" + serverKeyHash());
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", "https://127.0.0.1:" + host.httpsPort,
                "permissions", List.of("audioCapture")));
        return driver;
    }

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
}
