package dev.persona.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The phone page (/client) in a headless Chromium of its own, as the browser tests drive it: states, bubbles,
 * buttons, screenshots into {@code target/screenshots}. The browser trusts the test host's server key and may use
 * the microphone, so that its WebRTC candidates are loopback addresses (shared/notes/browser-testing.md); or it runs
 * on a {@link PhoneNetwork} as a phone does ({@link #onPhoneNetwork}).
 */
public final class PhonePage implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target/screenshots");

    public final ChromeDriver driver;
    public final Path downloads;
    private final PersonaHost host;
    private final String origin;

    public PhonePage(PersonaHost host, String profile) throws Exception {
        this(host, profile, "https://127.0.0.1:" + host.httpsPort, null);
    }

    private PhonePage(PersonaHost host, String profile, String origin, PhoneNetwork network) throws Exception {
        this.host = host;
        this.origin = origin;
        this.downloads = Files.createTempDirectory("persona-downloads-" + profile);
        driver = network == null ? HeadlessChromium.start(host, profile, 420, 860, origin)
                : HeadlessChromium.onPhoneNetwork(host, profile, network);
        driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toString()));
        Files.createDirectories(SCREENSHOTS);
    }

    /**
     * The phone page in a browser on {@code network}'s phone side, as a phone has it (no microphone permission, no
     * loopback flag: {@link HeadlessChromium#onPhoneNetwork}); it reaches the host at
     * {@link PhoneNetwork#HOST_ADDRESS}.
     */
    public static PhonePage onPhoneNetwork(PersonaHost host, String profile, PhoneNetwork network) throws Exception {
        return new PhonePage(host, profile, "https://" + PhoneNetwork.HOST_ADDRESS + ":" + host.httpsPort, network);
    }

    /** Runs {@code source} in every document the page opens from now on, before the page's own scripts. */
    public void beforePageScripts(String source) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    }

    public String origin() {
        return origin;
    }

    public void open(String url) {
        driver.get(url);
    }

    public void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    public String status() {
        return driver.findElement(By.id("status")).getText();
    }

    /** The page's state: working, waiting, ready, error or refused. */
    public String state() {
        return driver.findElement(By.tagName("body")).getAttribute("data-state");
    }

    /**
     * Waits for the state; fails with the page's status and the server log. A page that is being replaced (import,
     * reload) has a body that is gone a moment later: that is read again, not an error.
     */
    public void awaitState(String expected, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(50))
                    .ignoring(StaleElementReferenceException.class).until(d -> expected.equals(state()));
        } catch (TimeoutException e) {
            throw new AssertionError("The phone page did not reach the state '" + expected + "' within " + timeout
                    + "; it is '" + state() + "': '" + status() + "'. Server log:\n" + host.serverLogTail(), e);
        }
    }

    public void awaitStatus(String expected, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(50))
                    .until(d -> status().contains(expected));
        } catch (TimeoutException e) {
            throw new AssertionError("The phone page did not say '" + expected + "' within " + timeout
                    + "; its status is '" + status() + "'. Server log:\n" + host.serverLogTail(), e);
        }
    }

    /** This phone's key id, as the page shows it. */
    public String deviceId() {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            String id = driver.findElement(By.id("device")).getAttribute("data-id");
            return id == null || id.isEmpty() ? null : id;
        });
    }

    public List<WebElement> bubbles(String role) {
        return driver.findElements(By.cssSelector("#messages > li." + role));
    }

    public String text(WebElement bubble) {
        return bubble.findElement(By.className("text")).getText();
    }

    public String note(WebElement bubble) {
        return bubble.findElement(By.className("note")).getText();
    }

    public WebElement lastAnswer() {
        List<WebElement> answers = bubbles("assistant");
        return answers.get(answers.size() - 1);
    }

    public boolean displayed(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    public void send(String text) {
        driver.findElement(By.id("input")).sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    /** Waits until the current answer has some text. */
    public void awaitAnswerStarted(int answers, Duration timeout) {
        new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(10))
                .until(d -> bubbles("assistant").size() == answers && !text(lastAnswer()).isEmpty());
    }

    /** Waits until no answer is running (the send button is back). */
    public void awaitIdle(Duration timeout) {
        new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(20)).until(d -> displayed("send"));
    }

    /**
     * Clicks the first element that matches once it is shown. The page redraws lists (the conversations) when the
     * host answers, so an element found a moment ago may be gone: that is tried again, not an error.
     */
    public void click(By selector, Duration timeout) {
        new WebDriverWait(driver, timeout).pollingEvery(Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class).ignoring(ElementNotInteractableException.class)
                .until(d -> {
                    WebElement element = d.findElement(selector);
                    if (!element.isDisplayed()) {
                        return false;
                    }
                    element.click();
                    return true;
                });
    }

    public Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    /** Quits the browser; again after that does nothing. */
    @Override
    public void close() {
        driver.quit();
    }
}
