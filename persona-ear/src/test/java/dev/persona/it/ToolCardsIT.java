package dev.persona.it;

import dev.persona.testkit.Directories;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.testkit.HeadlessChromium;
import dev.persona.testkit.PersonaHost;
import dev.persona.testkit.PhonePage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The phone page shows tool calls as cards: headless Chromium ({@link PhonePage}) pairs with a host whose model
 * server is the {@link ToolCallingBackend} fixture, asks for a calculation and a note, and sees a collapsible card
 * per call (name, outcome, time; arguments and result inside) above the answer that carries the result, and again
 * after a reload; the owner then sees both calls on the console's Tools page. Screenshots go to target/screenshots
 * (tools-*.png, console-16-tool-calls.png).
 */
@Tag("loopback-network")
class ToolCardsIT {

    private static final Duration ANSWER = Duration.ofSeconds(90);

    private static PersonaHost host;
    private static ToolCallingBackend backend;
    private static PhonePage phone;

    @AfterAll
    static void stopAll() throws Exception {
        PersonaHost.tearDown(host).first(phone).then(backend).run();
    }

    @Test
    void toolCallsShowAsCardsAboveTheAnswer() throws Exception {
        backend = new ToolCallingBackend();
        host = new PersonaHost(Path.of("target/it-data/tool-cards").toAbsolutePath())
                .with("PERSONA_LLAMA_BACKEND_URLS", backend.url()).with("PERSONA_TOOLS_TIMEOUT_MS", "4000")
                .with("PERSONA_TOOLS_SYSTEM_INFO_FACTS", "time_zone,os");
        Directories.deleteRecursively(host.dataDirectory);
        PersonaHost.Run started = host.start();
        Matcher url = Pattern.compile("open (https://\\S+/client\\?id=k1[a-z2-7]{52}&invite=[a-z2-9]+)")
                .matcher(started.output());
        assertTrue(url.find(), "the launcher prints the pairing URL");
        assertTrue(Files.readString(host.dataDirectory.resolve("logs/server.log")).contains("Tool plugin calls may "
                + "take 4000 ms, 64 MiB of memory, 8192 KiB of output; each persona's folder holds at most 64 MiB;"
                + " system-info shares os, time_zone."), "the plugin limits and shared facts follow the settings");
        phone = new PhonePage(host, "tool-cards");
        phone.open(url.group(1));
        phone.awaitState("ready", Duration.ofSeconds(60));

        ask("Please calculate 2+3*4.", 1);
        WebElement card = cards().get(0);
        assertEquals("ok", card.getAttribute("data-outcome"));
        assertTrue(card.findElement(By.tagName("summary")).getText().matches("calculate · ok · \\d+ ms"),
                card.findElement(By.tagName("summary")).getText());
        card.findElement(By.tagName("summary")).click();
        List<WebElement> inside = card.findElements(By.tagName("pre"));
        assertEquals("{\n  \"expression\": \"2+3*4\"\n}", inside.get(0).getText());
        assertEquals("14", inside.get(1).getText());
        assertEquals("The tool answered: 14", phone.text(phone.lastAnswer()));
        phone.screenshot("tools-1-calculation");

        ask("Save a note: milk and bread.", 2);
        WebElement note = cards().get(1);
        note.findElement(By.tagName("summary")).click();
        assertTrue(note.findElement(By.tagName("summary")).getText().startsWith("write_file · ok"));
        String answer = phone.text(phone.lastAnswer());
        assertTrue(answer.startsWith("The tool answered: wrote 14 bytes to 'notes/shopping.txt'"), answer);
        phone.screenshot("tools-2-note");

        // The cards belong to the conversation's history: after a reload they stand above their answers again.
        phone.driver.navigate().refresh();
        phone.awaitState("ready", Duration.ofSeconds(60));
        new WebDriverWait(phone.driver, ANSWER).until(d -> cards().size() == 2);
        List<String> kinds = phone.driver.findElements(By.cssSelector("#messages > li")).stream()
                .map(item -> item.getAttribute("class").split(" ")[0]).toList();
        assertEquals(List.of("user", "tool", "assistant", "user", "tool", "assistant"), kinds);
        WebElement kept = cards().get(0);
        assertEquals("ok", kept.getAttribute("data-outcome"));
        assertTrue(kept.findElement(By.tagName("summary")).getText().matches("calculate · ok · \\d+ ms"),
                kept.findElement(By.tagName("summary")).getText());
        kept.findElement(By.tagName("summary")).click();
        assertEquals("{\n  \"expression\": \"2+3*4\"\n}", kept.findElements(By.tagName("pre")).get(0).getText());
        assertEquals("14", kept.findElements(By.tagName("pre")).get(1).getText());
        assertTrue(cards().get(1).findElement(By.tagName("summary")).getText().startsWith("write_file · ok"));
        assertEquals("The tool answered: 14", phone.text(phone.driver.findElements(
                By.cssSelector("#messages > li.assistant")).get(0)));
        phone.screenshot("tools-3-history");

        // The owner sees both calls on the console's Tools page: arguments, outcome, result and duration.
        ChromeDriver owner = HeadlessChromium.start(host, "tool-cards-owner", 1366, 1000, null);
        try {
            owner.get("https://127.0.0.1:" + host.httpsPort + "/console/tools.xhtml");
            new WebDriverWait(owner, ANSWER).until(d -> !d.findElements(By.id("j_password")).isEmpty());
            owner.findElement(By.id("j_password")).sendKeys(started.consolePassword());
            owner.findElement(By.id("sign-in")).click();
            new WebDriverWait(owner, ANSWER).until(d -> d.findElements(By.cssSelector(".tool-call-row")).size() == 2);
            List<WebElement> rows = owner.findElements(By.cssSelector(".tool-call-row"));
            String newest = rows.get(0).getText();
            String oldest = rows.get(1).getText();
            assertTrue(newest.contains("write_file") && newest.contains("notes/shopping.txt")
                    && newest.contains("wrote 14 bytes"), newest);
            assertTrue(oldest.contains("calculate") && oldest.contains("2+3*4") && oldest.contains("14")
                    && oldest.matches("(?s).*\\d+(\\.\\d)? ms.*"), oldest);
            for (WebElement row : rows) {
                assertEquals("ok", row.findElement(By.cssSelector(".badge")).getText().toLowerCase(), row.getText());
            }
            Files.write(Path.of("target/screenshots/console-16-tool-calls.png"), owner.getScreenshotAs(OutputType.BYTES));
        } finally {
            owner.quit();
        }
    }

    /** Sends the question and waits until the answer is done and {@code cards} tool calls have their outcome. */
    private static void ask(String text, int cards) {
        phone.send(text);
        new WebDriverWait(phone.driver, ANSWER).until(d -> phone.displayed("send")
                && d.findElements(By.cssSelector("#messages li.tool:not([data-outcome=running])")).size() == cards);
    }

    private static List<WebElement> cards() {
        return phone.driver.findElements(By.cssSelector("#messages li.tool"));
    }
}
