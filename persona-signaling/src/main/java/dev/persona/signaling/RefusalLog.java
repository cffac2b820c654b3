package dev.persona.signaling;

import java.time.Clock;
import java.util.logging.Logger;

/**
 * The log of peers refused at connection or closed for breaking a rule, bounded: within each minute the first
 * {@value #LOGGED_PER_MINUTE} are logged as they happen and the rest only counted; the count is logged once, when the
 * minute is over (at the next refusal or the next sweep of the server). A device that floods the server with bad
 * connections or messages then costs a few log lines a minute, not one line each.
 */
public final class RefusalLog {

    /** Refusals logged one by one in each minute. */
    public static final int LOGGED_PER_MINUTE = 20;
    private static final long MINUTE_MILLIS = 60_000;

    private final Logger log;
    private final Clock clock;
    private long minuteStartMillis;
    private int thisMinute;
    private int unlogged;

    public RefusalLog(Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
        this.minuteStartMillis = clock.millis();
    }

    /** Logs {@code line} (a refusal, saying what and why) if this minute has room for it, else counts it. */
    public synchronized void refused(String line) {
        endMinuteIfOver();
        if (thisMinute++ < LOGGED_PER_MINUTE) {
            log.info(line);
        } else {
            unlogged++;
        }
    }

    /** Logs the count of the minute that is over, if any refusal went unlogged in it. */
    public synchronized void endMinuteIfOver() {
        long now = clock.millis();
        if (now - minuteStartMillis < MINUTE_MILLIS) {
            return;
        }
        if (unlogged > 0) {
            log.info(unlogged + " more peers were refused or closed for breaking a rule in the last minute, beyond "
                    + "the " + LOGGED_PER_MINUTE + " logged one by one.");
        }
        minuteStartMillis = now;
        thisMinute = 0;
        unlogged = 0;
    }
}
