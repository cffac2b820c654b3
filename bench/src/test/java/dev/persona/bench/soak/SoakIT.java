package dev.persona.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.persona.testkit.JavaPhone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak's short version for CI: {@link Soak} for two minutes with fewer peers and phones (200 peers, 4 phones, a
 * warm-up of 30 s, 90 s of load). Only what cannot flake is checked: no error (every turn answered, no unexpected
 * frame or close, nothing in server.log, stops included), no lost message, and the host's open descriptors and
 * threads back to their quiet level after the load, with a margin far below what a leak per connection or per turn
 * would add (about 90 churn connections and dozens of turns). Memory is only printed: two minutes on a shared
 * machine say nothing robust about it. Runs in the network namespace of the failsafe execution
 * {@code loopback-network} (WebRTC).
 */
@Tag("loopback-network")
class SoakIT {

    /** Descriptors that may stay open beyond the quiet level: a leak per connection or turn adds dozens. */
    private static final int DESCRIPTOR_MARGIN = 10;
    private static final int THREAD_MARGIN = 5;

    @Test
    void aShortSoakHasNoErrorNoLostMessageAndLeavesDescriptorsAndThreadsAtTheirQuietLevel() throws Exception {
        JavaPhone.requireLoopbackNetwork();
        Soak.Plan plan = new Soak.Plan(200, 4, Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(10),
                100, 10, Duration.ofMillis(500));
        Soak.Outcome outcome = Soak.run(Soak.host(Path.of("target/it-data/soak").toAbsolutePath()), plan, System.out);

        List<String> lines = new ArrayList<>();
        outcome.samples().forEach(sample -> lines.add(sample.toString()));
        lines.add(String.format(Locale.ROOT, "turns %d, relayed %d, churned %d, quiet %s -> %s after %.0f s, "
                        + "relay p99 %.1f -> %.1f ms, ttft p99 %.0f -> %.0f ms", outcome.turns(), outcome.relayed(),
                outcome.churned(), outcome.quietBefore(), outcome.quietAfter(), outcome.settleSeconds(),
                outcome.relayP99(false), outcome.relayP99(true), outcome.ttftP99(false), outcome.ttftP99(true)));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/soak-measurements.txt"), lines, StandardCharsets.UTF_8);
        lines.forEach(line -> System.out.println("[measure] " + line));

        assertEquals(List.of(), outcome.serverLogErrors(), "server.log has no ERROR line, stops included");
        assertEquals(0, outcome.turnErrors(), "every turn answered: " + outcome.errorSamples());
        assertEquals(0, outcome.unexpected(), "no unexpected frame, close or failed connect: "
                + outcome.errorSamples());
        assertTrue(outcome.turns() >= plan.phones(), "each phone had answers: " + outcome.turns());
        assertTrue(outcome.relayed() >= 2_000, "the peers relayed: " + outcome.relayed());
        assertEquals(0, outcome.lost(), "no relayed message lost");
        assertTrue(outcome.quietAfter().descriptors() <= outcome.quietBefore().descriptors() + DESCRIPTOR_MARGIN,
                "descriptors back to their quiet level: " + outcome.quietBefore() + " -> " + outcome.quietAfter());
        assertTrue(outcome.quietAfter().threads() <= outcome.quietBefore().threads() + THREAD_MARGIN,
                "threads back to their quiet level: " + outcome.quietBefore() + " -> " + outcome.quietAfter());
    }
}
