package dev.persona.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.persona.peer.SessionClosed.Reason;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host peer answering a Java phone that behaves like peerjs, over real WebRTC inside the loopback network
 * namespace, with an in-memory signaling relay. Sessions open in tens of milliseconds; every wait has a deadline
 * and a message that says what did not happen.
 */
@Tag("loopback-network")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostPeerLoopbackTest {

    private static final String HOST_ID = "host1";
    private static final int MIN_PORT = 40000;
    private static final int MAX_PORT = 40999;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Every phone here is a stranger (the acceptors know none); the listeners admit them when the channel opens. */
    private static final HostPeerSettings.HandshakeLimits HANDSHAKE_LIMITS = new HostPeerSettings.HandshakeLimits(
            Duration.ofSeconds(30), 4096, 64, 100, 64);
    private static final Pattern CANDIDATE_ADDRESS = Pattern.compile("^candidate:\\S+ \\d+ \\S+ \\d+ (\\S+) (\\d+) ");

    private static ScheduledThreadPoolExecutor executor;
    private static HostPeer hostPeer;
    private static HeadlessAudioDeviceModule phoneAudio;
    private static PeerConnectionFactory phoneFactory;
    private static InMemorySignaling signaling;
    private static volatile PeerSessionAcceptor acceptor;
    private static final List<ConnectionRequest> requests = new CopyOnWriteArrayList<>();
    private final List<JavaPhone> phones = new ArrayList<>();

    @BeforeAll
    static void startHostPeer() {
        LoopbackNetwork.require();
        executor = new ScheduledThreadPoolExecutor(4);
        executor.setRemoveOnCancelPolicy(true);
        long started = System.nanoTime();
        hostPeer = new HostPeer(new HostPeerSettings(List.of(), MIN_PORT, MAX_PORT, CONNECT_TIMEOUT,
                4 * 1024 * 1024, 64, HANDSHAKE_LIMITS, Duration.ofMinutes(1), null, false), executor);
        Measurements.record("JVM: host peer ready (native library loaded, factory made) in "
                + millis(System.nanoTime() - started) + " ms; RSS " + Measurements.residentKib() / 1024 + " MiB");
        phoneAudio = new HeadlessAudioDeviceModule();
        phoneFactory = new PeerConnectionFactory(phoneAudio);
        signaling = new InMemorySignaling(executor);
        SignalingEndpoint endpoint = hostPeer.attach(HOST_ID, signaling.linkFor(HOST_ID), request -> {
            requests.add(request);
            return acceptor.accept(request);
        });
        signaling.register(HOST_ID, endpoint::receive);
    }

    @AfterEach
    void closePhonesAndCheckNothingIsLeft() {
        phones.forEach(JavaPhone::close);
        signaling.drop(message -> false);
        awaitTrue(() -> hostPeer.sessionCount() == 0, "every host session to end after its phone closed");
    }

    @AfterAll
    static void stopHostPeer() {
        if (hostPeer != null) {
            hostPeer.close();
        }
        if (phoneFactory != null) {
            phoneFactory.dispose();
            phoneAudio.dispose();
        }
        executor.shutdownNow();
    }

    @Test
    void textRoundTripsAndThePhonesRequestReachesTheChatSide() throws Exception {
        RecordingListener listener = RecordingListener.echoing();
        JsonValue metadata = Json.createObjectBuilder().add("device", "pixel").build();

        Connected connected = connect("phone-text", "raw", metadata, listener);
        connected.phone.send("{\"type\":\"chat\",\"text\":\"hello\"}");

        assertEquals("{\"type\":\"chat\",\"text\":\"hello\"}", take(listener.messages, "the host to get the text"));
        assertEquals("{\"type\":\"chat\",\"text\":\"hello\"}", take(connected.phone.messages, "the echo"));
        ConnectionRequest request = connected.session.request();
        assertEquals(new ConnectionRequest(HOST_ID, "phone-text", connected.phone.connectionId,
                connected.phone.connectionId, metadata, Serialization.RAW), request);
        Measurements.record("Java phone: offer -> data channel open " + connected.openMillis + " ms");
    }

    @Test
    void theAnswerGoesOutBeforeTheHostsCandidatesWhichUseTheConfiguredPorts() throws Exception {
        Connected connected = connect("phone-candidates", "raw", null, RecordingListener.echoing());

        List<InMemorySignaling.Message> toPhone = signaling.relayedTo(connected.phone.id);
        assertEquals("ANSWER", toPhone.get(0).type(), "peerjs adds candidates only after the answer");
        List<InMemorySignaling.Message> candidates = toPhone.stream()
                .filter(message -> message.type().equals("CANDIDATE")).toList();
        assertFalse(candidates.isEmpty(), "the host sent no candidate");
        for (InMemorySignaling.Message candidate : candidates) {
            String line = candidate.payload().asJsonObject().getJsonObject("candidate").getString("candidate");
            Matcher address = CANDIDATE_ADDRESS.matcher(line);
            assertTrue(address.find(), line);
            int port = Integer.parseInt(address.group(2));
            assertTrue(port >= MIN_PORT && port <= MAX_PORT, "port outside " + MIN_PORT + "-" + MAX_PORT + ": "
                    + line);
            assertEquals(connected.phone.connectionId, candidate.payload().asJsonObject().getString("connectionId"));
        }
    }

    @Test
    void echoRoundTripsTakeWellUnderAMillisecondOrTwo() throws Exception {
        Connected connected = connect("phone-rtt", "raw", null, RecordingListener.echoing());
        String kilobyte = "{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1000) + "\"}";
        List<Long> roundTrips = new ArrayList<>();

        for (int i = 0; i < 300; i++) {
            long sent = System.nanoTime();
            connected.phone.send(kilobyte);
            take(connected.phone.messages, "echo " + i);
            roundTrips.add(System.nanoTime() - sent);
        }

        List<Long> measured = new ArrayList<>(roundTrips.subList(50, roundTrips.size()));
        Collections.sort(measured);
        double median = measured.get(measured.size() / 2) / 1e6;
        double p95 = measured.get(measured.size() * 95 / 100) / 1e6;
        Measurements.record(String.format("Java phone: 1 KB echo round trip median %.2f ms, p95 %.2f ms (250 after "
                + "50 warm-up)", median, p95));
        assertTrue(median < 20, "median round trip " + median + " ms");
    }

    @Test
    void megabyteMessagesAreChunkedBothWaysAndComeBackWhole() throws Exception {
        RecordingListener listener = RecordingListener.echoing();
        Connected connected = connect("phone-big", "raw", null, listener);
        String megabyte = ChunkedMessagesTest.awkwardText(1_000_000);
        List<Long> roundTrips = new ArrayList<>();
        Measurements.UdpCounters udpBefore = Measurements.udp();

        for (int i = 0; i < 5; i++) {
            long sent = System.nanoTime();
            connected.phone.send(megabyte);
            assertEquals(megabyte, take(listener.messages, "the host to reassemble 1 MB"));
            assertEquals(megabyte, take(connected.phone.messages, "the phone to reassemble the 1 MB echo"));
            roundTrips.add(millis(System.nanoTime() - sent));
        }

        int largestFrame = connected.phone.frameSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(largestFrame <= MessageFrames.MAX_FRAME_BYTES, "largest frame " + largestFrame);
        assertTrue(connected.phone.frameSizes.size() > 5 * 60, "frames: " + connected.phone.frameSizes.size());
        Measurements.record("Java phone: 1 MB (UTF-8 " + megabyte.getBytes(StandardCharsets.UTF_8).length / 1024
                + " KiB) there and back, chunked both ways, 5 times: " + roundTrips + " ms; "
                + Measurements.udp().since(udpBefore));
    }

    @Test
    void aBurstBeyondLibwebrtcsSendQueueIsPacedNotDropped() throws Exception {
        Connected connected = connect("phone-burst", "raw", null, RecordingListener.silent());
        int count = 24;
        String megabyte = "m".repeat(1024 * 1024 - 16);

        Measurements.UdpCounters udpBefore = Measurements.udp();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            assertTrue(connected.session.send(String.format("%04d", i) + megabyte));
        }
        for (int i = 0; i < count; i++) {
            String message = take(connected.phone.messages, "message " + i + " of the burst");
            assertEquals(String.format("%04d", i), message.substring(0, 4), "order");
            assertEquals(4 + megabyte.length(), message.length());
        }
        long elapsed = System.nanoTime() - started;

        Measurements.record(String.format("Java phone: %d MiB burst host -> phone (libwebrtc drops a channel whose "
                + "queue passes 16 MiB) in %d ms, %.1f MiB/s; %s", count, millis(elapsed), count / (elapsed / 1e9),
                Measurements.udp().since(udpBefore)));
    }

    @Test
    void jsonSerializationSpeaksUtf8BinaryFramesAndHonoursPeerjsClose() throws Exception {
        RecordingListener listener = RecordingListener.silent();
        Connected connected = connect("phone-json", "json", null, listener);

        connected.phone.send("{\"type\":\"chat\",\"text\":\"grüße\"}");
        assertEquals("{\"type\":\"chat\",\"text\":\"grüße\"}", take(listener.messages, "the JSON message"));
        String large = "{\"type\":\"history\",\"text\":\"" + "é".repeat(40_000) + "\"}";
        connected.session.send("{\"type\":\"pong\"}");
        connected.session.send(large);

        assertEquals("{\"type\":\"pong\"}", take(connected.phone.messages, "the host's JSON message"));
        assertEquals(large, take(connected.phone.messages, "the host's chunked JSON message"));
        assertTrue(connected.phone.frameIsBinary.stream().allMatch(binary -> binary),
                "peerjs's json serialization decodes binary frames only");

        connected.phone.sendFrame("{\"__peerData\":{\"type\":\"close\"}}".getBytes(StandardCharsets.UTF_8), true);
        assertEquals(Reason.CLOSED_BY_PHONE, await(listener.closed, "peerjs's close message to end the session")
                .reason());
    }

    @Test
    void rawBinaryFramesReachTheListenerAsTheirOwnCopies() throws Exception {
        RecordingListener listener = RecordingListener.silent();
        Connected connected = connect("phone-binary", "raw", null, listener);
        byte[] first = {0, 1, 2, (byte) 0xff};
        byte[] second = new byte[70_000];
        new java.util.Random(3).nextBytes(second);

        connected.phone.sendFrame(first, true);
        connected.phone.sendFrame(second, true);

        assertArrayEquals(first, take(listener.binaryMessages, "the first binary frame"));
        assertArrayEquals(second, take(listener.binaryMessages, "the second binary frame"));
    }

    @Test
    void malformedChunksAreReportedAndTheSessionGoesOn() throws Exception {
        RecordingListener listener = RecordingListener.echoing();
        Connected connected = connect("phone-malformed", "raw", null, listener);

        connected.phone.sendFrame("{\"type\":\"chunk\",\"id\":1,\"index\":5,\"count\":2,\"data\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8), false);
        connected.phone.send("still here");

        assertTrue(take(listener.rejections, "the rejection").contains("is not below its count"));
        assertEquals("still here", take(connected.phone.messages, "the echo after the rejection"));
    }

    @Test
    void offersTheHostCannotServeAreLeftUnanswered() throws Exception {
        acceptor = request -> Optional.of(RecordingListener.silent());
        JavaPhone binary = phone("phone-binarypack");
        binary.connect(HOST_ID, "binary", true, null);
        JavaPhone unordered = phone("phone-unordered");
        unordered.connect(HOST_ID, "raw", false, null);
        awaitTrue(() -> signaling.relayedTo(HOST_ID).stream()
                        .filter(message -> message.type().equals("OFFER")).count() >= 2, "both offers to arrive");
        acceptor = request -> Optional.empty();
        JavaPhone refused = phone("phone-refused");
        refused.connect(HOST_ID, "raw", true, null);
        awaitTrue(() -> requests.stream().anyMatch(request -> request.phoneId().equals("phone-refused")),
                "the acceptor to be asked");

        Thread.sleep(500);
        for (JavaPhone phone : List.of(binary, unordered, refused)) {
            assertTrue(signaling.relayedTo(phone.id).isEmpty(), phone.id + " got an answer");
        }
        assertTrue(requests.stream().noneMatch(request -> request.phoneId().equals("phone-binarypack")
                || request.phoneId().equals("phone-unordered")), "the acceptor was asked about unusable offers");
        assertEquals(0, hostPeer.sessionCount());
    }

    @Test
    void aPhoneThatCannotBeReachedIsReportedAfterTheConnectTimeout() {
        signaling.drop(message -> message.type().equals("CANDIDATE"));
        RecordingListener listener = RecordingListener.silent();
        acceptor = request -> Optional.of(listener);
        JavaPhone phone = phone("phone-unreachable");

        long started = System.nanoTime();
        phone.connect(HOST_ID, "raw", true, null);
        SessionClosed ending = await(listener.closed, CONNECT_TIMEOUT.plusSeconds(5), "the session to give up");
        long elapsed = System.nanoTime() - started;

        assertEquals(Reason.UNREACHABLE, ending.reason());
        assertTrue(ending.message().startsWith("Phone phone-unreachable could not reach the host host1 peer-to-peer"
                + " (no data channel 5000 ms after its offer; no candidates were exchanged)"), ending.message());
        assertTrue(ending.message().contains("lets UDP in on ports 40000-40999"), ending.message());
        assertFalse(listener.opened.isDone());
        Measurements.record("Unreachable phone reported after " + millis(elapsed) + " ms (connect timeout "
                + CONNECT_TIMEOUT.toMillis() + " ms): " + ending.message());
    }

    @Test
    void thePhoneClosingTheChannelEndsTheSessionOnce() throws Exception {
        RecordingListener listener = RecordingListener.silent();
        Connected connected = connect("phone-closes", "raw", null, listener);

        connected.phone.close();

        assertEquals(Reason.CLOSED_BY_PHONE, await(listener.closed, "the host to notice the close").reason());
        assertFalse(connected.session.send("too late"));
        Thread.sleep(200);
        assertEquals(1, listener.closeCalls.get());
    }

    @Test
    void theHostClosingASessionClosesThePhonesChannel() throws Exception {
        RecordingListener listener = RecordingListener.silent();
        Connected connected = connect("phone-closed", "raw", null, listener);

        connected.session.close();

        await(connected.phone.closed, "the phone's channel to close");
        assertEquals(Reason.CLOSED_BY_HOST, await(listener.closed, "the listener to hear of it").reason());
        assertFalse(connected.session.send("too late"));
    }

    @Test
    void aPhoneLeavingTheSignalingServerEndsItsSessions() throws Exception {
        RecordingListener listener = RecordingListener.silent();
        Connected connected = connect("phone-leaves", "raw", null, listener);

        connected.phone.leave(HOST_ID);

        SessionClosed ending = await(listener.closed, "LEAVE to end the session");
        assertEquals(Reason.CLOSED_BY_PHONE, ending.reason());
        assertEquals("Phone phone-leaves left host1.", ending.message());
    }

    @Test
    void manySequentialSessionsReleaseTheirNativeResources() throws Exception {
        int warmUp = 10;
        int measured = 150;
        long residentBefore = 0;
        long threadsBefore = 0;
        long openMillisTotal = 0;
        List<WeakReference<PeerSession>> sessions = new ArrayList<>();
        for (int i = 0; i < warmUp + measured; i++) {
            if (i == warmUp) {
                System.gc();
                residentBefore = Measurements.residentKib();
                threadsBefore = Measurements.threads();
            }
            RecordingListener listener = RecordingListener.echoing();
            Connected connected = connect("phone-seq-" + i, "raw", null, listener);
            sessions.add(new WeakReference<>(connected.session));
            connected.phone.send("ping " + i);
            assertEquals("ping " + i, take(connected.phone.messages, "the echo of session " + i));
            if (i % 2 == 0) {
                connected.session.close();
            } else {
                connected.phone.close();
            }
            await(listener.closed, "session " + i + " to end");
            connected.phone.close();
            phones.remove(connected.phone);
            openMillisTotal += i >= warmUp ? connected.openMillis : 0;
        }
        awaitTrue(() -> hostPeer.sessionCount() == 0, "every session to be released");
        acceptor = null;
        awaitTrue(() -> {
            System.gc();
            return sessions.stream().allMatch(session -> session.get() == null);
        }, "the ended sessions to be garbage (nothing native may still hold them)");
        long residentGrowth = Measurements.residentKib() - residentBefore;
        long threadGrowth = Measurements.threads() - threadsBefore;

        Measurements.record(String.format("%d sequential sessions (after %d warm-up), host and Java phone in one "
                        + "JVM: mean offer -> open %d ms, RSS %+d KiB in all (%+d KiB per session), threads %+d",
                measured, warmUp, openMillisTotal / measured, residentGrowth, residentGrowth / measured,
                threadGrowth));
        assertTrue(threadGrowth <= 4, "native threads leaked: " + threadGrowth);
        assertTrue(residentGrowth / measured < 512, "memory per session: " + residentGrowth / measured + " KiB");
    }

    @Test
    void closingTheHostPeerEndsItsOpenSessionsWithoutCrashing() throws Exception {
        List<RecordingListener> listeners = new ArrayList<>();
        List<JavaPhone> connectedPhones = new ArrayList<>();
        try (HostPeer secondHost = new HostPeer(new HostPeerSettings(List.of(), 0, 0, CONNECT_TIMEOUT, 65536, 8,
                HANDSHAKE_LIMITS, Duration.ofMinutes(1), null, false), executor)) {
            SignalingEndpoint endpoint = secondHost.attach("host2", signaling.linkFor("host2"), request -> {
                RecordingListener listener = RecordingListener.echoing();
                listeners.add(listener);
                return Optional.of(listener);
            });
            signaling.register("host2", endpoint::receive);
            for (int i = 0; i < 3; i++) {
                JavaPhone phone = phone("phone-of-host2-" + i);
                phone.connect("host2", "raw", true, null);
                await(phone.opened, "phone " + i + " of the second host to connect");
                connectedPhones.add(phone);
            }
            assertEquals(3, secondHost.sessionCount());
        }
        signaling.unregister("host2");

        for (RecordingListener listener : listeners) {
            SessionClosed ending = await(listener.closed, "the listener to hear the host stopped");
            assertEquals(Reason.HOST_STOPPED, ending.reason());
        }
        for (JavaPhone phone : connectedPhones) {
            await(phone.closed, "the phone to see its channel close");
        }
    }

    @Test
    void unprovenSessionsAreHeldToTheHandshakeLimits() throws Exception {
        List<RecordingListener> listeners = new ArrayList<>();
        HostPeerSettings.HandshakeLimits limits = new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(3), 1024,
                2, 1, 64);
        try (HostPeer strictHost = new HostPeer(new HostPeerSettings(List.of(), 0, 0, CONNECT_TIMEOUT, 65536, 8,
                limits, Duration.ofMinutes(1), null, false), executor)) {
            SignalingEndpoint endpoint = strictHost.attach("host3", signaling.linkFor("host3"), request -> {
                RecordingListener listener = RecordingListener.unproven();
                listeners.add(listener);
                return Optional.of(listener);
            });
            signaling.register("host3", endpoint::receive);

            // A channel that says nothing is closed at the deadline.
            JavaPhone silent = phone("silent-phone");
            silent.connect("host3", "raw", true, null);
            await(silent.opened, "the silent phone's channel to open");
            SessionClosed deadline = await(listeners.get(0).closed, "the host to close the silent phone's channel");
            assertEquals(Reason.CLOSED_BY_HOST, deadline.reason());
            assertTrue(deadline.message().contains("did not complete the handshake within 3000 ms"),
                    deadline.message());

            // A frame above 1024 bytes before the handshake closes the channel; a smaller one goes through.
            JavaPhone big = phone("big-frame-phone");
            big.connect("host3", "raw", true, null);
            await(big.opened, "the big phone's channel to open");
            big.send("x".repeat(1000));
            assertEquals("x".repeat(1000), take(listeners.get(1).messages, "the handshake-sized message"));
            big.send("y".repeat(1025));
            SessionClosed tooBig = await(listeners.get(1).closed, "the host to close the big phone's channel");
            assertTrue(tooBig.message().contains("sent a frame of 1025 bytes before completing the handshake"),
                    tooBig.message());

            // One phone gets one unproven session; its second offer is left unanswered.
            JavaPhone first = phone("twice-phone");
            first.connect("host3", "raw", true, null);
            await(first.opened, "the first channel to open");
            int asked = listeners.size();
            JavaPhone second = phone("twice-phone");
            second.connect("host3", "raw", true, null);
            Thread.sleep(1000);   // nothing to wait for: the offer is dropped without a word
            assertEquals(asked, listeners.size(), "the second offer of one unproven phone reaches no listener");
            assertFalse(second.opened.isDone());
            signaling.unregister("host3");
        }
    }

    @Test
    void aPhoneWhoseSessionsNeverConnectReloadsFiveTimesAndItsLastLoadConnects() throws Exception {
        HostPeerSettings.HandshakeLimits limits = new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(30), 4096,
                64, 3, 64);
        // A connect timeout longer than the test: the old sessions end only by the new offers.
        try (HostPeer strictHost = new HostPeer(new HostPeerSettings(List.of(), 0, 0, Duration.ofSeconds(120), 65536,
                8, limits, Duration.ofMinutes(1), null, false), executor)) {
            SignalingEndpoint endpoint = strictHost.attach("host5", signaling.linkFor("host5"),
                    request -> Optional.of(RecordingListener.unproven()));
            signaling.register("host5", endpoint::receive);
            // No path for the first four loads: their candidates are lost both ways, and the phone's close too.
            signaling.drop(message -> message.type().equals("CANDIDATE"));
            for (int load = 1; load <= 4; load++) {
                JavaPhone phone = phone("reloading-phone");
                phone.connect("host5", "raw", true, null);
                awaitTrue(() -> signaling.relayedTo("reloading-phone").stream().anyMatch(m -> m.type()
                        .equals("ANSWER") && phone.connectionId.equals(PeerjsPayloads.connectionId(m.payload()))),
                        "the host to answer load " + load + " of the phone");
                assertTrue(strictHost.sessionCount() <= 3, "one phone never holds more than its 3 unproven "
                        + "sessions: " + strictHost.sessionCount());
                phone.close();
                // A reload takes longer than this; offers closer together are a flood, left unanswered.
                Thread.sleep(SignalingEndpoint.REPLACEMENT_SPACING.toMillis() + 100);
            }
            signaling.drop(message -> false);
            JavaPhone last = phone("reloading-phone");
            last.connect("host5", "raw", true, null);
            await(last.opened, "the fifth load's data channel to open");
            assertEquals(3, strictHost.sessionCount(), "the two newest sessions that never connected, and the open one");
            signaling.unregister("host5");
        }
    }

    @Test
    void strangersNeverTakeThePlacesOfApprovedPhones() throws Exception {
        List<RecordingListener> strangers = new ArrayList<>();
        RecordingListener approved = RecordingListener.unproven();
        HostPeerSettings.HandshakeLimits limits = new HostPeerSettings.HandshakeLimits(Duration.ofSeconds(30), 4096,
                2, 3, 64);
        try (HostPeer strictHost = new HostPeer(new HostPeerSettings(List.of(), 0, 0, CONNECT_TIMEOUT, 65536, 3,
                limits, Duration.ofMinutes(1), null, false), executor)) {
            SignalingEndpoint endpoint = strictHost.attach("host4", signaling.linkFor("host4"),
                    new PeerSessionAcceptor() {
                        @Override
                        public Optional<PeerSessionListener> accept(ConnectionRequest request) {
                            if (knows(request)) {
                                return Optional.of(approved);
                            }
                            RecordingListener listener = RecordingListener.unproven();
                            strangers.add(listener);
                            return Optional.of(listener);
                        }

                        @Override
                        public boolean knows(ConnectionRequest request) {
                            return request.phoneId().equals("approved-phone");
                        }
                    });
            signaling.register("host4", endpoint::receive);
            for (int i = 0; i < 2; i++) {
                JavaPhone stranger = phone("stranger-" + i);
                stranger.connect("host4", "raw", true, null);
                await(stranger.opened, "stranger " + i + " to connect");
            }
            JavaPhone third = phone("stranger-2");
            third.connect("host4", "raw", true, null);
            awaitTrue(() -> signaling.relayedTo("host4").stream().anyMatch(m -> m.src().equals("stranger-2")
                    && m.type().equals("OFFER")), "the third stranger's offer to reach the host");

            // 3 places, 2 of them for strangers: both are taken, and the approved phone gets the third.
            JavaPhone phone = phone("approved-phone");
            phone.connect("host4", "raw", true, null);
            await(phone.opened, "the approved phone to connect while strangers hold their whole share");
            await(approved.opened, "the approved phone's session to open");
            assertEquals(2, strangers.size(), "the third stranger found no place");
            assertFalse(third.opened.isDone());
            assertEquals(3, strictHost.sessionCount());
            signaling.unregister("host4");
        }
    }

    private record Connected(JavaPhone phone, PeerSession session, long openMillis) {
    }

    private Connected connect(String phoneId, String serialization, JsonValue metadata, RecordingListener listener) {
        acceptor = request -> Optional.of(listener);
        JavaPhone phone = phone(phoneId);
        long started = System.nanoTime();
        phone.connect(HOST_ID, serialization, true, metadata);
        long openedAt = await(phone.opened, "the phone's data channel to open");
        PeerSession session = await(listener.opened, "the host's session to open");
        return new Connected(phone, session, millis(openedAt - started));
    }

    private JavaPhone phone(String id) {
        JavaPhone phone = new JavaPhone(id, phoneFactory, signaling, executor);
        phones.add(phone);
        return phone;
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        return await(future, Duration.ofSeconds(10), what);
    }

    private static <T> T await(CompletableFuture<T> future, Duration deadline, String what) {
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("Waited " + deadline.toSeconds() + " s for " + what + " in vain. If no data channel opened, "
                    + "ICE did not connect between the Java phone and the host peer: the host's log in "
                    + "target/surefire-reports/" + HostPeerLoopbackTest.class.getName() + "-output.txt says what it "
                    + "saw; the test needs the loopback namespace (127.0.0.2 on a veth).");
        } catch (Exception e) {
            return fail("Failed while waiting for " + what + ": " + e, e);
        }
    }

    private static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
        T item = queue.poll(10, TimeUnit.SECONDS);
        if (item == null) {
            fail("Waited 10 s for " + what + " in vain.");
        }
        return item;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Waited 10 s for " + what + " in vain.");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("Interrupted while waiting for " + what);
            }
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
