package dev.persona.peer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RefusalLogTest {

    private final Logger logger = Logger.getLogger(RefusalLogTest.class.getName() + ".records");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            assertEquals(Level.WARNING, record.getLevel());
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final RefusalLog refusals = new RefusalLog(logger, "offers", Duration.ofSeconds(60));

    @BeforeEach
    void listen() {
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(handler);
    }

    @Test
    void theFirstRefusalOfASourceIsLoggedAndTheRestCountedIntoOneSummary() {
        for (int i = 0; i < 200; i++) {
            int n = i;
            refusals.refused("k1flood", () -> "Left offer " + n + " unanswered.");
        }
        refusals.refused("k1other", () -> "Left another offer unanswered.");

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("Left offer 0 unanswered. (Further refusals of k1flood within 60000 ms "
                + "are counted"), lines.get(0));
        assertTrue(lines.get(1).startsWith("Left another offer unanswered."), lines.get(1));

        refusals.summarise();
        assertEquals(List.of("Refused 199 more offers from k1flood in the last 60000 ms."), lines.subList(2,
                lines.size()), "one line for the source with more, none for the one without");

        refusals.summarise();
        assertEquals(3, lines.size(), "nothing new, nothing said");
        refusals.refused("k1flood", () -> "Left offer 200 unanswered.");
        assertTrue(lines.get(3).startsWith("Left offer 200 unanswered."), "a new interval logs the first again");
    }

    @Test
    void sourcesBeyondTheLimitAreCountedTogether() {
        for (int i = 0; i < RefusalLog.MAX_SOURCES + 5; i++) {
            refusals.refused("k1source" + i, () -> "Refused.");
        }
        assertEquals(RefusalLog.MAX_SOURCES, lines.size());

        refusals.summarise();
        assertEquals("Refused 5 offers from more than " + RefusalLog.MAX_SOURCES + " other sources in the last "
                + "60000 ms.", lines.get(lines.size() - 1));
    }
}
