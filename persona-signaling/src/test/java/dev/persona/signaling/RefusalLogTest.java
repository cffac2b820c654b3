package dev.persona.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

class RefusalLogTest {

    private final TestClock clock = TestClock.atEpochSecond(1_767_225_600L);
    private final List<String> lines = new ArrayList<>();
    private final Logger logger = Logger.getAnonymousLogger();

    RefusalLogTest() {
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void aFloodCostsTheFirstLinesOfAMinuteAndOneCount() {
        RefusalLog refusals = new RefusalLog(logger, clock);
        for (int i = 0; i < 1000; i++) {
            refusals.refused("Refused a peer connection: " + i);
        }
        assertEquals(RefusalLog.LOGGED_PER_MINUTE, lines.size());
        assertEquals("Refused a peer connection: 0", lines.get(0));

        clock.advance(Duration.ofSeconds(59));
        refusals.endMinuteIfOver();
        assertEquals(RefusalLog.LOGGED_PER_MINUTE, lines.size());
        clock.advance(Duration.ofSeconds(1));
        refusals.endMinuteIfOver();
        assertEquals("980 more peers were refused or closed for breaking a rule in the last minute, beyond the 20 "
                + "logged one by one.", lines.get(lines.size() - 1));

        refusals.refused("Refused a peer connection: the next minute");
        assertEquals("Refused a peer connection: the next minute", lines.get(lines.size() - 1));
        clock.advance(Duration.ofMinutes(1));
        int before = lines.size();
        refusals.endMinuteIfOver();
        assertEquals(before, lines.size(), "no count when nothing went unlogged");
    }
}
