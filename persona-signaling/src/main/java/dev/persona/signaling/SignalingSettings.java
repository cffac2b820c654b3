package dev.persona.signaling;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.persona.settings.InvalidSettingException;
import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;
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
    private static final String ORIGINS_ACCEPTED = "1 to " + MAX_ORIGINS + " origins separated by commas, each "
            + WebOrigin.RULE;

    // Each setting once, with its default and range (the one settings reader: dev.persona.settings).
    private static final Setting<String> ORIGINS_SETTING = Setting.text(ORIGINS, null);
    private static final Setting<Boolean> ALLOW_NON_KEY_IDS_SETTING = Setting.flag(ALLOW_NON_KEY_IDS, false);
    private static final Setting<Boolean> ALLOW_DISCOVERY_SETTING = Setting.flag(ALLOW_DISCOVERY, false);
    private static final Setting<Integer> CONCURRENT_LIMIT_SETTING = Setting.integer(CONCURRENT_LIMIT, 5000, 1,
            1_000_000);
    private static final Setting<Integer> MAX_MESSAGE_BYTES_SETTING = Setting.integer(MAX_MESSAGE_BYTES, 64 * 1024,
            1024, 16 * 1024 * 1024);
    private static final Setting<Integer> MESSAGES_PER_SECOND_SETTING = Setting.integer(MESSAGES_PER_SECOND, 100, 1,
            100_000);
    private static final Setting<Integer> QUEUED_MESSAGES_PER_PEER_SETTING = Setting.integer(QUEUED_MESSAGES_PER_PEER,
            100, 1, 100_000);
    private static final Setting<Long> EXPIRE_TIMEOUT_MS_SETTING = Setting.wholeNumber(EXPIRE_TIMEOUT_MS, 5000, 100,
            600_000);
    private static final Setting<Long> ALIVE_TIMEOUT_MS_SETTING = Setting.wholeNumber(ALIVE_TIMEOUT_MS, 60_000, 100,
            3_600_000);
    private static final Setting<Long> PROOF_MAX_AGE_SECONDS_SETTING = Setting.wholeNumber(PROOF_MAX_AGE_SECONDS, 60,
            1, 3600);
    private static final Setting<Long> PROOF_CLOCK_SKEW_SECONDS_SETTING = Setting.wholeNumber(PROOF_CLOCK_SKEW_SECONDS,
            60, 0, 3600);
    private static final Setting<Integer> REPLAY_CACHE_CAPACITY_SETTING = Setting.integer(REPLAY_CACHE_CAPACITY,
            100_000, 100, 10_000_000);
    private static final Setting<Integer> PEERS_PER_SOURCE_SETTING = Setting.integer(PEERS_PER_SOURCE, 50, 1,
            1_000_000);
    private static final Setting<Integer> PROOFS_PER_SOURCE_SETTING = Setting.integer(PROOFS_PER_SOURCE, 200, 1,
            10_000_000);
    private static final Setting<Long> QUEUED_BYTES_SETTING = Setting.wholeNumber(QUEUED_BYTES, 32L * 1024 * 1024,
            65_536, 1L << 30);
    private static final Setting<Long> QUEUED_BYTES_PER_SOURCE_SETTING = Setting.wholeNumber(QUEUED_BYTES_PER_SOURCE,
            1024L * 1024, 1024, 1L << 30);

    public SignalingSettings {
        if (origins.isEmpty() || origins.size() > MAX_ORIGINS || !origins.stream().allMatch(WebOrigin::isValid)) {
            throw ORIGINS_SETTING.invalid(String.join(",", origins), ORIGINS_ACCEPTED);
        }
        origins = Set.copyOf(origins);
        CONCURRENT_LIMIT_SETTING.require(concurrentLimit);
        MAX_MESSAGE_BYTES_SETTING.require(maxMessageBytes);
        MESSAGES_PER_SECOND_SETTING.require(messagesPerSecond);
        QUEUED_MESSAGES_PER_PEER_SETTING.require(queuedMessagesPerPeer);
        EXPIRE_TIMEOUT_MS_SETTING.require(expireTimeout.toMillis());
        ALIVE_TIMEOUT_MS_SETTING.require(aliveTimeout.toMillis());
        PROOF_MAX_AGE_SECONDS_SETTING.require(proofMaxAge.toSeconds());
        PROOF_CLOCK_SKEW_SECONDS_SETTING.require(proofClockSkew.toSeconds());
        REPLAY_CACHE_CAPACITY_SETTING.require(replayCacheCapacity);
        PEERS_PER_SOURCE_SETTING.require(peersPerSource);
        PROOFS_PER_SOURCE_SETTING.require(proofsPerSource);
        QUEUED_BYTES_SETTING.require(queuedBytes);
        QUEUED_BYTES_PER_SOURCE_SETTING.require(queuedBytesPerSource);
    }

    /**
     * Reads the settings by name; a name {@code source} does not know takes its default. Only {@value #ORIGINS}
     * has no default: the application knows under which addresses it is reached.
     *
     * @throws InvalidSettingException naming the setting, its value and the accepted range
     */
    public static SignalingSettings from(Function<String, Optional<String>> source) {
        SettingSource settings = SettingSource.of(source);
        Set<String> origins = new LinkedHashSet<>();
        settings.text(ORIGINS).ifPresent(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(origin -> !origin.isEmpty()).forEach(origins::add));
        return new SignalingSettings(origins,
                ALLOW_NON_KEY_IDS_SETTING.from(settings),
                ALLOW_DISCOVERY_SETTING.from(settings),
                CONCURRENT_LIMIT_SETTING.from(settings),
                MAX_MESSAGE_BYTES_SETTING.from(settings),
                MESSAGES_PER_SECOND_SETTING.from(settings),
                QUEUED_MESSAGES_PER_PEER_SETTING.from(settings),
                Duration.ofMillis(EXPIRE_TIMEOUT_MS_SETTING.from(settings)),
                Duration.ofMillis(ALIVE_TIMEOUT_MS_SETTING.from(settings)),
                Duration.ofSeconds(PROOF_MAX_AGE_SECONDS_SETTING.from(settings)),
                Duration.ofSeconds(PROOF_CLOCK_SKEW_SECONDS_SETTING.from(settings)),
                REPLAY_CACHE_CAPACITY_SETTING.from(settings),
                PEERS_PER_SOURCE_SETTING.from(settings),
                PROOFS_PER_SOURCE_SETTING.from(settings),
                QUEUED_BYTES_SETTING.from(settings),
                QUEUED_BYTES_PER_SOURCE_SETTING.from(settings));
    }

    /** How often the registry looks for expired queues and silent peers: a quarter of the shorter timeout. */
    public Duration sweepInterval() {
        long shorter = Math.min(expireTimeout.toMillis(), aliveTimeout.toMillis());
        return Duration.ofMillis(Math.max(25, Math.min(1000, shorter / 4)));
    }
}
