package dev.persona.signaling;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.persona.signaling.identity.WebOrigin;

/**
 * The settings of the signaling server, every one checked when the record is made so that a bad value fails at
 * once with its setting name and accepted range. {@link #from} reads them by name (MicroProfile Config in the
 * server, a map in tests); {@code docs/signaling.md} lists them with their defaults.
 *
 * @param origins the server origins that proof tokens may name (see {@link WebOrigin}); at least one
 * @param allowNonKeyIds whether ids that are not key ids may connect (with peerjs's plain token semantics)
 * @param allowDiscovery whether {@code GET {key}/peers} lists the connected ids
 * @param concurrentLimit most peers connected at once
 * @param maxMessageBytes largest client message, in UTF-8 bytes
 * @param messagesPerSecond most messages one peer may send per second (a burst of this many is allowed)
 * @param queuedMessagesPerPeer most messages waiting for one peer that is not connected
 * @param expireTimeout how long messages wait for an absent peer before the senders get EXPIRE
 * @param aliveTimeout how long a connected peer may stay silent before it is dropped
 * @param proofMaxAge how old a proof token may be
 * @param proofClockSkew how far a signer's clock may differ from the server's
 * @param replayCacheCapacity most proof nonces remembered at once
 * @param peersPerSource most peers connected at once from one source address
 * @param proofsPerSource most proof nonces remembered at once for one source address
 * @param queuedBytes most bytes of messages waiting for absent peers, all senders together
 * @param queuedBytesPerSource most bytes of messages waiting for absent peers that the peers of one source address
 *                             sent
 */
public record SignalingSettings(Set<String> origins, boolean allowNonKeyIds, boolean allowDiscovery,
                                int concurrentLimit, int maxMessageBytes, int messagesPerSecond,
                                int queuedMessagesPerPeer, Duration expireTimeout, Duration aliveTimeout,
                                Duration proofMaxAge, Duration proofClockSkew, int replayCacheCapacity,
                                int peersPerSource, int proofsPerSource, long queuedBytes,
                                long queuedBytesPerSource) {

    public static final String ORIGINS = "persona.signaling.origins";
    public static final String ALLOW_NON_KEY_IDS = "persona.signaling.allow.non.key.ids";
    public static final String ALLOW_DISCOVERY = "persona.signaling.allow.discovery";
    public static final String CONCURRENT_LIMIT = "persona.signaling.concurrent.limit";
    public static final String MAX_MESSAGE_BYTES = "persona.signaling.max.message.bytes";
    public static final String MESSAGES_PER_SECOND = "persona.signaling.messages.per.second";
    public static final String QUEUED_MESSAGES_PER_PEER = "persona.signaling.queued.messages.per.peer";
    public static final String EXPIRE_TIMEOUT_MS = "persona.signaling.expire.timeout.ms";
    public static final String ALIVE_TIMEOUT_MS = "persona.signaling.alive.timeout.ms";
    public static final String PROOF_MAX_AGE_SECONDS = "persona.signaling.proof.max.age.seconds";
    public static final String PROOF_CLOCK_SKEW_SECONDS = "persona.signaling.proof.clock.skew.seconds";
    public static final String REPLAY_CACHE_CAPACITY = "persona.signaling.proof.replay.cache.capacity";
    public static final String PEERS_PER_SOURCE = "persona.signaling.peers.per.source";
    public static final String PROOFS_PER_SOURCE = "persona.signaling.proofs.per.source";
    public static final String QUEUED_BYTES = "persona.signaling.queued.bytes";
    public static final String QUEUED_BYTES_PER_SOURCE = "persona.signaling.queued.bytes.per.source";

    private static final int MAX_ORIGINS = 64;

    public SignalingSettings {
        if (origins.isEmpty() || origins.size() > MAX_ORIGINS) {
            throw new IllegalArgumentException("Invalid value for " + ORIGINS + ": expected 1 to " + MAX_ORIGINS
                    + " origins separated by commas, got " + origins.size() + ".");
        }
        for (String origin : origins) {
            if (!WebOrigin.isValid(origin)) {
                throw new IllegalArgumentException("Invalid value '" + origin + "' in " + ORIGINS + ": expected "
                        + WebOrigin.RULE + ".");
            }
        }
        origins = Set.copyOf(origins);
        requireRange(CONCURRENT_LIMIT, concurrentLimit, 1, 1_000_000);
        requireRange(MAX_MESSAGE_BYTES, maxMessageBytes, 1024, 16 * 1024 * 1024);
        requireRange(MESSAGES_PER_SECOND, messagesPerSecond, 1, 100_000);
        requireRange(QUEUED_MESSAGES_PER_PEER, queuedMessagesPerPeer, 1, 100_000);
        requireRange(EXPIRE_TIMEOUT_MS, expireTimeout.toMillis(), 100, 600_000);
        requireRange(ALIVE_TIMEOUT_MS, aliveTimeout.toMillis(), 100, 3_600_000);
        requireRange(PROOF_MAX_AGE_SECONDS, proofMaxAge.toSeconds(), 1, 3600);
        requireRange(PROOF_CLOCK_SKEW_SECONDS, proofClockSkew.toSeconds(), 0, 3600);
        requireRange(REPLAY_CACHE_CAPACITY, replayCacheCapacity, 100, 10_000_000);
        requireRange(PEERS_PER_SOURCE, peersPerSource, 1, 1_000_000);
        requireRange(PROOFS_PER_SOURCE, proofsPerSource, 1, 10_000_000);
        requireRange(QUEUED_BYTES, queuedBytes, 65_536, 1L << 30);
        requireRange(QUEUED_BYTES_PER_SOURCE, queuedBytesPerSource, 1024, 1L << 30);
    }

    /**
     * Reads the settings by name; a name {@code source} does not know takes its default. Only {@value #ORIGINS}
     * has no default: the application knows under which addresses it is reached.
     *
     * @throws IllegalArgumentException naming the setting, its value and the accepted range
     */
    public static SignalingSettings from(Function<String, Optional<String>> source) {
        Function<String, Optional<String>> trimmed = name -> source.apply(name).map(String::trim)
                .filter(value -> !value.isEmpty());
        Set<String> origins = new LinkedHashSet<>();
        trimmed.apply(ORIGINS).ifPresent(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(origin -> !origin.isEmpty()).forEach(origins::add));
        return new SignalingSettings(origins,
                booleanSetting(trimmed, ALLOW_NON_KEY_IDS, false),
                booleanSetting(trimmed, ALLOW_DISCOVERY, false),
                intSetting(trimmed, CONCURRENT_LIMIT, 5000),
                intSetting(trimmed, MAX_MESSAGE_BYTES, 64 * 1024),
                intSetting(trimmed, MESSAGES_PER_SECOND, 100),
                intSetting(trimmed, QUEUED_MESSAGES_PER_PEER, 100),
                Duration.ofMillis(longSetting(trimmed, EXPIRE_TIMEOUT_MS, 5000)),
                Duration.ofMillis(longSetting(trimmed, ALIVE_TIMEOUT_MS, 60_000)),
                Duration.ofSeconds(longSetting(trimmed, PROOF_MAX_AGE_SECONDS, 60)),
                Duration.ofSeconds(longSetting(trimmed, PROOF_CLOCK_SKEW_SECONDS, 60)),
                intSetting(trimmed, REPLAY_CACHE_CAPACITY, 100_000),
                intSetting(trimmed, PEERS_PER_SOURCE, 50),
                intSetting(trimmed, PROOFS_PER_SOURCE, 200),
                longSetting(trimmed, QUEUED_BYTES, 32L * 1024 * 1024),
                longSetting(trimmed, QUEUED_BYTES_PER_SOURCE, 1024L * 1024));
    }

    /** How often the registry looks for expired queues and silent peers: a quarter of the shorter timeout. */
    public Duration sweepInterval() {
        long shorter = Math.min(expireTimeout.toMillis(), aliveTimeout.toMillis());
        return Duration.ofMillis(Math.max(25, Math.min(1000, shorter / 4)));
    }

    private static boolean booleanSetting(Function<String, Optional<String>> source, String name,
                                          boolean defaultValue) {
        Optional<String> raw = source.apply(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Invalid value '" + raw.get() + "' for " + name
                    + ": expected true or false.");
        };
    }

    private static int intSetting(Function<String, Optional<String>> source, String name, int defaultValue) {
        long value = longSetting(source, name, defaultValue);
        if (value != (int) value) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + name + ": it is far too large.");
        }
        return (int) value;
    }

    private static long longSetting(Function<String, Optional<String>> source, String name, long defaultValue) {
        Optional<String> raw = source.apply(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.get());
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException("Invalid value '" + raw.get() + "' for " + name
                    + ": expected an integer.");
        }
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("Invalid value " + value + " for " + name + ": expected an integer "
                    + "from " + min + " to " + max + ".");
        }
    }
}
