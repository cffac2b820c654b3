package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.persona.models.HubFixture;
import dev.persona.testkit.HeadlessChromium;
import dev.persona.testkit.JavaPhone;
import dev.persona.testkit.OwnerDesk;
import dev.persona.testkit.PersonaHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The owner's console in headless Chromium against the real host: the login (generated password from the log,
 * wrong password, Elytron's lockout), the dashboard, a fresh invite whose QR image decodes to the phone URL, a Java
 * phone that waits for approval, is approved and then revoked from the console, a running answer ended from the
 * console, the tiny model chosen and the pool seen ready (and still chosen after a restart of the host), the password
 * changed, a model fetched with "Get a model" from {@link HubFixture} (a fixture standing in for the public hub) with
 * its progress bar and run with "Use this model". Runs in the loopback namespace (the Java phone speaks WebRTC). Screenshots of each page go to
 * target/screenshots/console-*.png.
 */
@Tag("loopback-network")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Duration PAGE = Duration.ofSeconds(30);
    private static final String NEW_PASSWORD = "a much better passphrase";
    private static PersonaHost host;
    private static String password;
    private static String hostId;
    private static String console;
    private static ChromeDriver owner;
    /** A fixture standing in for the public Hugging Face Hub (Get a model). */
    private static HubFixture hub;
    private static final List<ChromeDriver> browsers = new ArrayList<>();
    private static final List<JavaPhone> phones = new ArrayList<>();
    /** The phone approved in {@link #aRunningAnswerIsEndedFromTheConsole}. */
    private static JavaPhone talker;

    @BeforeAll
    static void startHost() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        hub = new HubFixture();
        host = new PersonaHost(Path.of("target/it-data/console").toAbsolutePath())
                .with("PERSONA_HUB_URL", hub.url().toString())
                .with("PERSONA_DEVICES_APPROVAL", "admin").with("PERSONA_PEER_CONNECT_TIMEOUT_MS", "5000")
                .with("PERSONA_LLAMA_CONTEXT_SIZE", "262144").with("PERSONA_CHAT_MAX_TOKENS", "30000");
        Directories.deleteRecursively(host.dataDirectory);
        PersonaHost.Run started = host.start();
        Matcher id = Pattern.compile("/client\\?id=(k1[a-z2-7]{52})&invite=").matcher(started.output());
        assertTrue(id.find(), started.output());
        hostId = id.group(1);
        password = started.consolePassword();
        assertFalse(Files.exists(host.dataDirectory.resolve("run/console-login.txt")), "the launcher deleted it");
        try (var files = Files.walk(host.dataDirectory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                assertFalse(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains(password),
                        file + " holds the generated console password");
            }
        }
        console = "https://127.0.0.1:" + host.httpsPort + "/console/";
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(() -> browsers.forEach(ChromeDriver::quit), JavaPhone::disposeFactory, hub)
                .run();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void consolePagesAskForTheLoginWhilePhonePagesDoNot() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        for (String path : List.of("console/", "console/index.xhtml", "console/devices.xhtml", "console/models.xhtml",
                "console/tools.xhtml", "console/models/upload?name=x.gguf")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + host.httpsPort + "/" + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(response.body().contains("j_security_check"), path + " shows the login form, not the page: "
                    + response.statusCode() + " " + response.body());
            assertFalse(response.body().contains("llama-server processes"), path);
        }
        HttpResponse<String> phone = http.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + host.httpsPort + "/client")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, phone.statusCode());
        assertFalse(phone.body().contains("j_security_check"), "the phone page needs no console login");
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + host.httpPort + "/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(plain.statusCode() == 301 || plain.statusCode() == 302, "plain HTTP goes to HTTPS: " + plain.statusCode());
        assertTrue(plain.headers().firstValue("Location").orElse("").startsWith("https://"), plain.headers().toString());
    }

    @Test
    @Order(2)
    void aWrongPasswordIsRefusedAndTheGeneratedOneSignsIn() throws Exception {
        owner = browser("owner", 1366, 1000);
        owner.get(console);
        awaitElement(owner, "j_password");
        screenshot(owner, "console-1-login");
        signIn(owner, "not-the-password");
        waitFor(owner, PAGE).until(d -> !d.findElements(By.id("login-error")).isEmpty());
        screenshot(owner, "console-2-login-refused");
        assertTrue(owner.findElement(By.id("login-error")).getText().contains("Wrong user name or password"));

        signIn(owner, password);
        waitFor(owner, PAGE).until(d -> !d.findElements(By.id("stat-tokens")).isEmpty());
        assertTrue(owner.findElement(By.cssSelector(".who")).getText().contains("admin"));
        // The pool runs the tiny model: the dashboard shows the process ready with its slots.
        waitFor(owner, Duration.ofSeconds(90)).until(d -> d.findElement(By.id("dash:live")).getText()
                .contains("Ready"));
        String dashboard = owner.findElement(By.id("dash:live")).getText();
        assertTrue(dashboard.contains("persona-tiny.gguf"), dashboard);
        assertTrue(dashboard.contains("free"), dashboard);
        assertTrue(owner.findElement(By.id("phone-url")).getText().contains("/client?id=" + hostId));
        assertFalse(owner.findElements(By.cssSelector("#dash\\:load-chart canvas")).isEmpty(), "the load chart is drawn");
        screenshot(owner, "console-3-dashboard");
    }

    @Test
    @Order(3)
    void aFreshInviteIsShownAsAQrCodeThatDecodesToThePhoneUrl() throws Exception {
        owner.get(console + "pairing.xhtml");
        awaitElement(owner, "invite-card");
        assertTrue(owner.findElement(By.cssSelector(".key-id")).getText().replace(" ", "").equals(hostId),
                "the persona's key id is shown");
        assertTrue(owner.findElement(By.cssSelector(".fingerprint")).getText().matches("([0-9a-f]{4} ){7}[0-9a-f]{4}"));
        String invite = mintInvite();
        // The QR image as the browser shows it (a screenshot of the element), and the PNG the page holds, decoded
        // with zxing.
        WebElement qr = owner.findElement(By.id("invite-qr"));
        String decoded = decodeQr(qr.getScreenshotAs(OutputType.BYTES));
        String src = qr.getAttribute("src");
        assertTrue(src.startsWith("data:image/png;base64,"), src);
        assertEquals(decoded, decodeQr(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
        String shownUrl = owner.findElement(By.id("invite-url")).getText();
        assertEquals(shownUrl, decoded, "the QR code holds the URL the page shows");
        assertTrue(decoded.matches("https://[^/]+:" + host.httpsPort + "/client\\?id=" + hostId
                + "&invite=[a-z2-9]{26}"), decoded);
        assertTrue(decoded.endsWith(invite));
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("invite-countdown")).getText().matches("[89]:\\d\\d min|10:00 min"));
        screenshot(owner, "console-4-pairing");
    }

    @Test
    @Order(4)
    void aPhoneWaitsForApprovalIsApprovedAndIsRevokedFromTheConsole() throws Exception {
        owner.get(console + "pairing.xhtml");
        awaitElement(owner, "invite-card");
        String invite = mintInvite();
        JavaPhone phone = phone("approved");
        phone.connect(hostId);
        JavaPhone.Received waiting = phone.handshake(hostId, invite);
        assertEquals("waiting", waiting.type(), "admin approval: the phone waits: " + waiting);

        owner.get(console + "devices.xhtml");
        waitFor(owner, PAGE).until(d -> !d.findElements(By.cssSelector(".pending-table .approve")).isEmpty());
        assertTrue(owner.findElement(By.id("pending")).getText().contains("JavaPhone approved"));
        assertEquals(OwnerDesk.approvalCode(phone.id.toString()), owner.findElement(By.cssSelector(".pending-table "
                + ".approval-code")).getText(), "the waiting phone's approval code, to compare with the phone's");
        screenshot(owner, "console-5-pending");
        owner.findElement(By.cssSelector(".pending-table .approve")).click();
        JavaPhone.Received admitted = phone.expect("admitted", PAGE);
        assertEquals("approved", admitted.message().getString("code"));
        waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector(".known-table .device-status")).getText()
                .equalsIgnoreCase("approved"));

        // Rename it, then revoke it: the open session is cut off at once.
        WebElement name = owner.findElement(By.cssSelector(".known-table .device-name-input"));
        name.clear();
        name.sendKeys("Kitchen tablet");
        owner.findElement(By.cssSelector(".known-table .rename-button")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("devices:messages")).getText()
                .contains("Renamed to Kitchen tablet"));
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("sessions")).getText().contains("Kitchen tablet"));
        screenshot(owner, "console-6-approved");
        owner.findElement(By.cssSelector(".known-table .revoke")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector(".ui-confirmdialog-yes")).isDisplayed());
        owner.findElement(By.cssSelector(".ui-confirmdialog-yes")).click();
        phone.expectError("revoked", PAGE);
        assertTrue(phone.closedByHost(PAGE), "the revoked phone's channel was closed by the host");
        waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector(".known-table .device-status")).getText()
                .equalsIgnoreCase("revoked"));
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("sessions")).getText().contains("No phone is connected"));
        screenshot(owner, "console-7-revoked");
        phone.disconnect();
    }

    @Test
    @Order(5)
    void aPhoneWithoutAPathToTheHostIsListedAsCouldNotConnect() throws Exception {
        JavaPhone lost = phone("lost");
        lost.offerWithoutPath(hostId);
        owner.get(console + "devices.xhtml");
        // The host gives up after its connect timeout (5 s here); the page polls every 4 s.
        waitFor(owner, PAGE).until(d -> !d.findElements(By.cssSelector(".failures-table .failure-row")).isEmpty());
        WebElement row = owner.findElement(By.cssSelector(".failures-table .failure-row"));
        assertTrue(row.getText().contains(lost.id.toString().substring(0, 12)), row.getText());
        assertTrue(row.getText().toLowerCase(java.util.Locale.ROOT).contains("no peer-to-peer path"), row.getText());
        assertTrue(row.findElement(By.cssSelector(".failure-detail")).getText().contains("could not reach the host "
                + hostId + " peer-to-peer (no data channel 5000 ms after its offer"), row.getText());
        owner.executeScript("document.getElementById('failures').scrollIntoView()");
        screenshot(owner, "console-7a-could-not-connect");
        lost.disconnect();
        // The dashboard points to it.
        owner.get(console);
        WebElement notice = waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector("[id$='failures-notice']")));
        assertTrue(notice.getText().startsWith("1 phone(s) could not connect to this host in the last hour"),
                notice.getText());
    }

    @Test
    @Order(6)
    void aRunningAnswerIsEndedFromTheConsole() throws Exception {
        owner.get(console + "pairing.xhtml");
        awaitElement(owner, "invite-card");
        String invite = mintInvite();
        JavaPhone phone = phone("talker");
        talker = phone;
        phone.connect(hostId);
        assertEquals("waiting", phone.handshake(hostId, invite).type());
        owner.get(console + "devices.xhtml");
        waitFor(owner, PAGE).until(d -> !d.findElements(By.cssSelector(".pending-table .approve")).isEmpty());
        owner.findElement(By.cssSelector(".pending-table .approve")).click();
        phone.expect("admitted", PAGE);

        owner.get(console);
        awaitElement(owner, "stat-tokens");
        phone.chat("long", null, "Tell me a long story.");
        phone.expect("accepted", PAGE);
        phone.expect("token", Duration.ofSeconds(120));
        // The dashboard follows the answer by itself (no reload): tokens/s rise above zero, a slot is busy.
        waitFor(owner, PAGE).until(d -> Double.parseDouble(d.findElement(By.cssSelector("#stat-tokens .value"))
                .getText()) > 0 && d.findElement(By.id("dash:live")).getText().contains("1 busy"));
        screenshot(owner, "console-8a-dashboard-busy");
        owner.get(console + "devices.xhtml");
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("sessions")).getText().contains("1 answering"));
        // The phone's row shows what it asked and how many tokens its answer has so far.
        By talkerRow = By.xpath("//tr[contains(@class,'session-row')][contains(.,'JavaPhone talker')]");
        waitFor(owner, PAGE).until(d -> d.findElement(talkerRow).findElement(By.cssSelector(".session-request"))
                .getText().contains("Tell me a long story."));
        waitFor(owner, PAGE).until(d -> Integer.parseInt(d.findElement(talkerRow)
                .findElement(By.cssSelector(".session-tokens")).getText().replaceAll("\\D", "")) > 0);
        screenshot(owner, "console-8-session");
        owner.findElement(By.xpath("//tr[contains(@class,'session-row')][contains(.,'JavaPhone talker')]"
                + "//button[contains(@class,'end-session')]")).click();
        assertTrue(phone.closedByHost(PAGE), "ending the session closed the phone's channel");
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("sessions")).getText().contains("0 answering"));
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("sessions")).getText().contains("No phone is connected"));
        phone.disconnect();
    }

    @Test
    @Order(7)
    void theTinyModelIsChosenAndThePoolBecomesReady() throws Exception {
        owner.get(console + "models.xhtml");
        awaitElement(owner, "model-list");
        String list = owner.findElement(By.id("model-list")).getText();
        assertTrue(list.contains("persona-tiny.gguf"), list);
        assertEquals("persona-tiny.gguf", owner.findElement(By.cssSelector(".active-model .model-file")).getText(),
                "the model the pool runs is marked active");

        // Upload: a copy of the tiny model streams in and its SHA-256 is shown; a file that is not GGUF is refused.
        Path upload = Files.createTempDirectory("console-upload");
        Path copy = Files.copy(host.dataDirectory.resolve("models/persona-tiny.gguf"), upload.resolve("uploaded-tiny.gguf"));
        String sha256 = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(copy)));
        owner.findElement(By.id("upload-file")).sendKeys(copy.toString());
        waitFor(owner, Duration.ofSeconds(60)).until(d -> d.findElement(By.id("upload-status")).getText()
                .equals("Uploaded uploaded-tiny.gguf · SHA-256 " + sha256));
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("model-list")).getText().contains("uploaded-tiny.gguf"));
        assertEquals(sha256, java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(host.dataDirectory.resolve("models/uploaded-tiny.gguf")))));
        screenshot(owner, "console-9a-uploaded");
        Path notAModel = Files.writeString(upload.resolve("notes.gguf"), "these are not weights");
        owner.navigate().refresh();
        awaitElement(owner, "upload-file");
        owner.findElement(By.id("upload-file")).sendKeys(notAModel.toString());
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("upload-status")).getText()
                .startsWith("Not uploaded: notes.gguf is not a GGUF model"));
        assertFalse(Files.exists(host.dataDirectory.resolve("models/notes.gguf")), "the broken upload is gone");

        // By server path: the file is linked into the models folder.
        Path elsewhere = Files.copy(copy, upload.resolve("linked-tiny.gguf"));
        owner.findElement(By.id("models:path")).sendKeys(elsewhere.toString());
        owner.findElement(By.id("models:add")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("model-list")).getText().contains("linked-tiny.gguf"));
        assertTrue(Files.isSymbolicLink(host.dataDirectory.resolve("models/linked-tiny.gguf")));
        // Two slots instead of four: a visible change that needs the restart.
        owner.findElement(By.cssSelector("#models\\:model")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector("#models\\:model_items li[data-label='persona-tiny.gguf']")).isDisplayed());
        owner.findElement(By.cssSelector("#models\\:model_items li[data-label='persona-tiny.gguf']")).click();
        WebElement slots = owner.findElement(By.cssSelector("#models\\:slots_input"));
        slots.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "2");
        owner.findElement(By.id("models:apply")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("models:messages")).getText()
                .contains("Restarting llama-server with persona-tiny.gguf"));
        List<String> states = new ArrayList<>();
        waitFor(owner, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(100)).until(d -> {
            String state = d.findElement(By.cssSelector(".pool-state")).getText().toLowerCase();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                states.add(state);
            }
            return state.equals("ready");
        });
        screenshot(owner, "console-9-models");
        owner.get(console);
        waitFor(owner, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("dash:live")).getText()
                .contains("0 busy · 2 free"));
        assertTrue(states.get(states.size() - 1).equals("ready"), "states seen: " + states);

        // The chat follows the new pool: a phone is told the longest text that fits one of 2 slots of 131 072 tokens
        // now ((131 072 - 30 000 answer tokens - the system prompt) x 3 characters), not one of the 4 slots of
        // 65 536 the host was started with (about 106 000 characters).
        talker.connect(hostId);
        JavaPhone.Received admitted = talker.handshake(hostId, null);
        assertEquals("admitted", admitted.type(), admitted.toString());
        int maxText = admitted.message().getInt("maxText");
        assertTrue(maxText > 300_000 && maxText < 3 * (131_072 - 30_000), admitted.toString());
        assertEquals("persona-tiny", admitted.message().getString("model"));
        talker.disconnect();
    }

    @Test
    @Order(8)
    void theOwnerChangesThePasswordAndTheLayoutFitsATablet() throws Exception {
        owner.get(console + "account.xhtml");
        awaitElement(owner, "change-password");
        owner.findElement(By.cssSelector("#password\\:current input, input#password\\:current")).sendKeys("wrong one!!!!");
        owner.findElement(By.cssSelector("#password\\:replacement input, input#password\\:replacement")).sendKeys(NEW_PASSWORD);
        owner.findElement(By.cssSelector("#password\\:repeated input, input#password\\:repeated")).sendKeys(NEW_PASSWORD);
        owner.findElement(By.id("password:change")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("password:messages")).getText()
                .contains("The current password is wrong"));
        owner.get(console + "account.xhtml");
        awaitElement(owner, "change-password");
        owner.findElement(By.cssSelector("input#password\\:current")).sendKeys(password);
        owner.findElement(By.cssSelector("input#password\\:replacement")).sendKeys(NEW_PASSWORD);
        owner.findElement(By.cssSelector("input#password\\:repeated")).sendKeys(NEW_PASSWORD);
        owner.findElement(By.id("password:change")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("password:messages")).getText()
                .contains("Password changed"));
        screenshot(owner, "console-10-account");

        owner.manage().window().setSize(new Dimension(820, 1180));
        owner.get(console);
        awaitElement(owner, "stat-tokens");
        screenshot(owner, "console-11-dashboard-tablet");
        owner.get(console + "devices.xhtml");
        awaitElement(owner, "known");
        screenshot(owner, "console-12-devices-tablet");
    }

    @Test
    @Order(9)
    void repeatedWrongPasswordsLockTheAccountEvenForTheRightOne() throws Exception {
        ChromeDriver stranger = browser("stranger", 1366, 1000);
        stranger.get(console);
        awaitElement(stranger, "j_password");
        signIn(stranger, NEW_PASSWORD);
        awaitElement(stranger, "stat-tokens");
        stranger.manage().deleteAllCookies();
        for (int attempt = 1; attempt <= 5; attempt++) {
            stranger.get(console);
            awaitElement(stranger, "j_password");
            signIn(stranger, "guess number " + attempt);
            String outcome = attempt < 5 ? "login-error" : "login-locked";
            waitFor(stranger, PAGE).until(d -> !d.findElements(By.id(outcome)).isEmpty());
        }
        assertTrue(Files.readString(host.dataDirectory.resolve("logs/server.log"))
                .contains("5 failed console logins in a row"), "the lock is logged");
        stranger.get(console);
        awaitElement(stranger, "j_password");
        signIn(stranger, NEW_PASSWORD);
        waitFor(stranger, PAGE).until(d -> !d.findElements(By.id("login-locked")).isEmpty());
        assertTrue(stranger.findElements(By.id("stat-tokens")).isEmpty(), "locked: the right password is refused too");
        screenshot(stranger, "console-13-locked");
        // A session that signed in before keeps working.
        owner.get(console);
        awaitElement(owner, "stat-tokens");
    }

    @Test
    @Order(10)
    void aPersonaGetsANewKeyAndTheOldOneStaysValidForItsGracePeriod() throws Exception {
        owner.get(console + "pairing.xhtml");
        awaitElement(owner, "invite-card");
        String fingerprint = owner.findElement(By.cssSelector(".fingerprint")).getText();
        owner.findElement(By.cssSelector(".rotate-key")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.cssSelector(".ui-confirmdialog-yes")).isDisplayed());
        owner.findElement(By.cssSelector(".ui-confirmdialog-yes")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("pairing:messages")).getText().contains("New key for Persona"));
        assertFalse(owner.findElement(By.cssSelector(".fingerprint")).getText().equals(fingerprint), "a new key");
        assertFalse(owner.findElement(By.cssSelector(".key-id")).getText().replace(" ", "").equals(hostId));
        assertTrue(owner.findElement(By.cssSelector(".persona")).getText().contains("still accepted until"),
                "the old key's grace period is shown");
        screenshot(owner, "console-14-rotated");
    }

    @Test
    @Order(11)
    void aToolIsSwitchedOffAndOnForAPersonaAndTheChoiceIsKept() throws Exception {
        owner.get(console + "index.xhtml");
        awaitElement(owner, "nav-tools");
        owner.findElement(By.id("nav-tools")).click();
        awaitElement(owner, "tools");
        assertTrue(owner.findElement(By.id("nav-tools")).getAttribute("class").contains("active"));
        By calculator = By.cssSelector(".tool-calculator .tool-switch");
        assertTrue(toolOn(calculator), "the calculator is on by default");
        assertFalse(toolOn(By.cssSelector(".tool-system-info .tool-switch")), "system-info is off by default");
        assertTrue(owner.findElement(By.cssSelector(".tool-calls-empty")).getText().contains("No tool call yet"),
                "no call was made: the empty state says so");

        owner.findElement(calculator).findElement(By.cssSelector(".ui-toggleswitch-slider")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("tools:messages")).getText()
                .contains("Turned off calculator for Persona"));
        owner.navigate().refresh();
        awaitElement(owner, "tools");
        assertFalse(toolOn(calculator), "switched off, after a reload too");
        screenshot(owner, "console-15a-tool-off");

        owner.findElement(calculator).findElement(By.cssSelector(".ui-toggleswitch-slider")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("tools:messages")).getText()
                .contains("Turned on calculator for Persona"));
        owner.navigate().refresh();
        awaitElement(owner, "tools");
        assertTrue(toolOn(calculator), "switched on again, after a reload too");
        screenshot(owner, "console-15-tools");
        assertNoPolicyViolations(owner);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A wait that looks again when a poll replaced the element it was reading. */
    private static WebDriverWait waitFor(ChromeDriver driver, Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static boolean toolOn(By toolSwitch) {
        return owner.findElement(toolSwitch).getAttribute("class").contains("ui-toggleswitch-checked");
    }

    private static void signIn(ChromeDriver driver, String secret) {
        WebElement field = driver.findElement(By.id("j_password"));
        field.clear();
        field.sendKeys(secret);
        driver.findElement(By.id("sign-in")).click();
    }

    /** Clicks "New invite" and returns the invite code of the URL the page then shows. */
    private static String mintInvite() {
        String before = owner.findElements(By.id("invite-url")).isEmpty() ? ""
                : owner.findElement(By.id("invite-url")).getText();
        owner.findElement(By.cssSelector(".mint-invite")).click();
        waitFor(owner, PAGE).until(d -> !d.findElements(By.id("invite-url")).isEmpty()
                && !d.findElement(By.id("invite-url")).getText().equals(before));
        String url = owner.findElement(By.id("invite-url")).getText();
        return url.substring(url.indexOf("&invite=") + 8);
    }

    @Test
    @Order(12)
    void theChosenPoolOutlastsARestartThoughTheLauncherWouldNowPickAnotherModel() throws Exception {
        // Order 7 chose persona-tiny.gguf with 2 slots and added uploaded-tiny.gguf and linked-tiny.gguf, one of
        // which the launcher would take as its default model now; the owner's choice must still win.
        host.stop();
        host.start();
        List<String> log = Files.readAllLines(host.dataDirectory.resolve("logs/server.log"));
        List<String> chosen = log.stream()
                .filter(line -> line.contains("Starting the llama-server pool chosen in the console")).toList();
        assertEquals(1, chosen.size(), "the restart, not the first start, runs a chosen pool: " + chosen);
        assertTrue(chosen.get(0).contains("modelFile=" + host.dataDirectory.resolve("models/persona-tiny.gguf"))
                && chosen.get(0).contains("parallelSlots=2"), chosen.get(0));
        assertTrue(log.stream().noneMatch(line -> line.contains("configuration changed since a pool was chosen")),
                host.serverLogTail());
    }

    @Test
    @Order(13)
    void aModelIsFetchedFromTheHubWithAProgressBarAndUsed() throws Exception {
        Path served = host.dataDirectory.resolve("models/persona-tiny.gguf");
        hub.add("persona/tiny-GGUF", "persona-tiny-hub.gguf", served);
        hub.throttle(Files.size(served) / 4);
        owner.get(console + "models.xhtml");
        if (!owner.findElements(By.id("j_password")).isEmpty()) {
            signIn(owner, NEW_PASSWORD); // the session ended with the restart of order 12
            waitFor(owner, PAGE).until(d -> d.findElements(By.id("j_password")).isEmpty());
            owner.get(console + "models.xhtml");
        }
        awaitElement(owner, "get-model");
        String curated = owner.findElement(By.id("get-model")).getText();
        assertTrue(curated.contains("Qwen/Qwen2.5-0.5B-Instruct-GGUF") && curated.contains("Apache-2.0"), curated);

        owner.findElement(By.id("models:hub-repo")).sendKeys("persona/tiny-GGUF");
        owner.findElement(By.id("models:hub-file")).sendKeys("persona-tiny-hub.gguf");
        owner.findElement(By.id("models:hub-download")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("models:downloads")).getText().contains("RUNNING")
                && d.findElement(By.id("models:downloads")).getText().contains(" of 4.8 MiB"));
        screenshot(owner, "console-9b-downloading");
        waitFor(owner, Duration.ofSeconds(60)).until(d -> !d.findElements(By.cssSelector(".use-model")).isEmpty());
        hub.throttle(-1);
        assertTrue(owner.findElement(By.id("models:downloads")).getText().contains(
                "SHA-256 " + java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(served)))), owner.findElement(By.id("models:downloads")).getText());
        screenshot(owner, "console-9c-downloaded");

        owner.findElement(By.cssSelector(".use-model")).click();
        waitFor(owner, PAGE).until(d -> d.findElement(By.id("models:messages")).getText()
                .contains("Restarting llama-server with persona-tiny-hub.gguf"));
        waitFor(owner, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(200)).until(d ->
                d.findElement(By.cssSelector(".pool-state")).getText().equalsIgnoreCase("ready"));
        owner.navigate().refresh();
        awaitElement(owner, "model-list");
        assertEquals("persona-tiny-hub.gguf", owner.findElement(By.cssSelector(".active-model .model-file"))
                .getText(), "the downloaded model runs");
        assertNoPolicyViolations(owner);
    }

    private static JavaPhone phone(String name) throws Exception {
        JavaPhone phone = new JavaPhone(host, name);
        phones.add(phone);
        return phone;
    }

    private static void awaitElement(ChromeDriver driver, String id) throws Exception {
        try {
            new WebDriverWait(driver, PAGE).until(d -> !d.findElements(By.id(id)).isEmpty());
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot(driver, "console-failed-" + id);
            throw new AssertionError("No #" + id + " on " + driver.getCurrentUrl() + ":\n"
                    + driver.findElement(By.tagName("body")).getText() + "\nServer log:\n" + host.serverLogTail(), e);
        }
    }

    private static String decodeQr(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                        new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE, DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    }

    private static ChromeDriver browser(String profile, int width, int height) throws Exception {
        ChromeDriver driver = HeadlessChromium.start(host, "console-" + profile, width, height, null);
        // Every Content Security Policy violation of every page this tab loads is kept in its sessionStorage.
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "document.addEventListener('securitypolicyviolation', e => {"
                + " const seen = JSON.parse(sessionStorage.getItem('csp-violations') || '[]');"
                + " seen.push(location.pathname + ': ' + e.effectiveDirective + ' blocked '"
                + "   + (e.blockedURI || 'inline') + (e.sample ? ' (' + e.sample + ')' : ''));"
                + " sessionStorage.setItem('csp-violations', JSON.stringify(seen)); });"));
        browsers.add(driver);
        return driver;
    }

    /** The console ran under its Content Security Policy without one blocked script, style or connection. */
    private static void assertNoPolicyViolations(ChromeDriver driver) {
        assertEquals("[]", String.valueOf(driver.executeScript(
                "return sessionStorage.getItem('csp-violations') || '[]'")), "blocked by the page's policy");
    }

    private static void screenshot(ChromeDriver driver, String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }
}
