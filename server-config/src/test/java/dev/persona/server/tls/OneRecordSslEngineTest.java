package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OneRecordSslEngine} between two real JDK engines. The server's JDK engine sits inside
 * {@link FirstSourceOnlyEngine}, a fixture standing in for wildfly-openssl's engine (whose natives a unit test cannot
 * load): like it, it wraps only the first non-empty source of a gathering wrap into a record.
 */
class OneRecordSslEngineTest {

    private static SSLContext serverContext;
    private static SSLContext clientContext;

    private SSLEngine client;
    private FirstSourceOnlyEngine openSslLike;

    @BeforeAll
    static void contexts() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                subject, BigInteger.ONE, java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        char[] password = "test".toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", keys.getPrivate(), password, new Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, password);
        serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("server", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        clientContext = SSLContext.getInstance("TLSv1.3");
        clientContext.init(null, trust.getTrustManagers(), null);
    }

    @BeforeEach
    void engines() {
        client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        openSslLike = new FirstSourceOnlyEngine(server);
    }

    @Test
    void theFixtureMakesOneRecordPerSourceAsWildflyOpenSslDoes() throws Exception {
        handshake(client, openSslLike);
        ByteBuffer header = bytes(4, 1);
        ByteBuffer payload = bytes(330, 2);
        ByteBuffer wire = ByteBuffer.allocate(packetSize());

        SSLEngineResult result = openSslLike.wrap(new ByteBuffer[] {header, payload}, 0, 2, wire);

        assertEquals(4, result.bytesConsumed());
        assertEquals(330, payload.remaining());
    }

    @Test
    void aFrameHeaderAndItsPayloadGoOutAsOneRecordThatUnwrapsToBoth() throws Exception {
        SSLEngine engine = new OneRecordSslEngine(openSslLike, null);
        handshake(client, engine);
        ByteBuffer header = bytes(4, 1);
        ByteBuffer payload = bytes(330, 2);
        byte[] expected = concat(header.duplicate(), payload.duplicate());
        ByteBuffer wire = ByteBuffer.allocate(packetSize());

        SSLEngineResult result = engine.wrap(new ByteBuffer[] {ByteBuffer.allocate(0), header, payload}, 0, 3, wire);

        assertEquals(Status.OK, result.getStatus());
        assertEquals(334, result.bytesConsumed());
        assertEquals(0, header.remaining());
        assertEquals(0, payload.remaining());
        wire.flip();
        assertEquals(1, recordSizes(wire).size(), "one TLS record");
        assertArrayEquals(expected, unwrapAll(client, wire));
    }

    @Test
    void sourcesBeyondOneRecordFillTheFirstRecordAndTheRestFollows() throws Exception {
        SSLEngine engine = new OneRecordSslEngine(openSslLike, null);
        handshake(client, engine);
        ByteBuffer header = bytes(4, 3);
        ByteBuffer payload = bytes(20_000, 4);
        byte[] expected = concat(header.duplicate(), payload.duplicate());
        ByteBuffer[] sources = {header, payload};
        ByteBuffer wire = ByteBuffer.allocate(4 * packetSize());

        SSLEngineResult first = engine.wrap(sources, 0, 2, wire);
        int consumed = first.bytesConsumed();
        assertTrue(consumed > 4 && consumed <= OneRecordSslEngine.MAX_RECORD_PLAINTEXT, "header and part of the payload");
        assertEquals(0, header.remaining());
        assertEquals(20_004 - consumed, payload.remaining(), "the payload advanced by what the record took of it");
        while (payload.hasRemaining()) {
            assertEquals(Status.OK, engine.wrap(sources, 0, 2, wire).getStatus());
        }

        wire.flip();
        assertArrayEquals(expected, unwrapAll(client, wire));
    }

    @Test
    void aDestinationTooSmallIsBufferOverflowWithNoSourceConsumed() throws Exception {
        SSLEngine engine = new OneRecordSslEngine(openSslLike, null);
        handshake(client, engine);
        ByteBuffer header = bytes(4, 5);
        ByteBuffer payload = bytes(330, 6);

        SSLEngineResult result = engine.wrap(new ByteBuffer[] {header, payload}, 0, 2, ByteBuffer.allocate(100));

        assertEquals(Status.BUFFER_OVERFLOW, result.getStatus());
        assertEquals(0, result.bytesConsumed());
        assertEquals(4, header.remaining());
        assertEquals(330, payload.remaining());
        ByteBuffer wire = ByteBuffer.allocate(packetSize());
        assertEquals(334, engine.wrap(new ByteBuffer[] {header, payload}, 0, 2, wire).bytesConsumed());
    }

    @Test
    void onlyTheSourcesInsideOffsetAndLengthAreWrapped() throws Exception {
        SSLEngine engine = new OneRecordSslEngine(openSslLike, null);
        handshake(client, engine);
        ByteBuffer before = bytes(7, 7);
        ByteBuffer header = bytes(4, 8);
        ByteBuffer payload = bytes(50, 9);
        ByteBuffer after = bytes(9, 10);
        byte[] expected = concat(header.duplicate(), payload.duplicate());
        ByteBuffer wire = ByteBuffer.allocate(packetSize());

        assertEquals(54, engine.wrap(new ByteBuffer[] {before, header, payload, after}, 1, 2, wire).bytesConsumed());

        assertEquals(7, before.remaining());
        assertEquals(9, after.remaining());
        wire.flip();
        assertArrayEquals(expected, unwrapAll(client, wire));
    }

    @Test
    void alpnProtocolsInTheParametersReachAnEngineThatTakesThemOtherwise() {
        List<String[]> given = new ArrayList<>();
        SSLEngine engine = new OneRecordSslEngine(openSslLike, (delegate, protocols) -> {
            assertEquals(openSslLike, delegate);
            given.add(protocols);
        });
        SSLParameters none = engine.getSSLParameters();
        engine.setSSLParameters(none);
        assertEquals(0, given.size());

        SSLParameters alpn = engine.getSSLParameters();
        alpn.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        engine.setSSLParameters(alpn);

        assertEquals(1, given.size());
        assertArrayEquals(new String[] {"h2", "http/1.1"}, given.get(0));
        assertNull(engine.getApplicationProtocol(), "no protocol before the handshake");
    }

    private int packetSize() {
        return client.getSession().getPacketBufferSize();
    }

    private static ByteBuffer bytes(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return ByteBuffer.wrap(data);
    }

    private static byte[] concat(ByteBuffer... buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer buffer : buffers) {
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            out.writeBytes(data);
        }
        return out.toByteArray();
    }

    /** The lengths, headers included, of the TLS records in {@code wire} (its position unchanged). */
    private static List<Integer> recordSizes(ByteBuffer wire) {
        List<Integer> sizes = new ArrayList<>();
        for (int at = wire.position(); at < wire.limit(); ) {
            int size = 5 + (wire.getShort(at + 3) & 0xffff);
            sizes.add(size);
            at += size;
        }
        return sizes;
    }

    private static byte[] unwrapAll(SSLEngine engine, ByteBuffer wire) throws SSLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer plain = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (wire.hasRemaining()) {
            plain.clear();
            SSLEngineResult result = engine.unwrap(wire, plain);
            assertEquals(Status.OK, result.getStatus());
            out.write(plain.array(), 0, plain.position());
        }
        return out.toByteArray();
    }

    /** Runs the handshake between two engines in memory, then drains what TLS 1.3 sends after it (tickets). */
    private static void handshake(SSLEngine clientEngine, SSLEngine serverEngine) throws Exception {
        int size = clientEngine.getSession().getPacketBufferSize();
        ByteBuffer toServer = ByteBuffer.allocate(4 * size);
        ByteBuffer toClient = ByteBuffer.allocate(4 * size);
        ByteBuffer plain = ByteBuffer.allocate(4 * clientEngine.getSession().getApplicationBufferSize());
        ByteBuffer empty = ByteBuffer.allocate(0);
        clientEngine.beginHandshake();
        serverEngine.beginHandshake();
        for (int step = 0; step < 200; step++) {
            boolean progress = step(clientEngine, empty, toServer, toClient, plain)
                    | step(serverEngine, empty, toClient, toServer, plain);
            if (!progress && done(clientEngine) && done(serverEngine)) {
                return;
            }
        }
        throw new AssertionError("handshake did not finish: " + clientEngine.getHandshakeStatus() + " / "
                + serverEngine.getHandshakeStatus());
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** One round for {@code engine}: wraps into {@code out}, unwraps what {@code in} holds; true if anything moved. */
    private static boolean step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer plain)
            throws SSLException {
        boolean progress = false;
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
            progress = true;
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult result = engine.wrap(empty, out);
            progress |= result.bytesProduced() > 0;
        }
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult result = engine.unwrap(in, plain);
            progress |= result.bytesConsumed() > 0;
            if (result.bytesConsumed() == 0) {
                break;
            }
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }
        in.compact();
        return progress;
    }

    /** The fixture: a real JDK engine that, like wildfly-openssl 2.2.5's, wraps only the first non-empty source. */
    private static final class FirstSourceOnlyEngine extends SSLEngine {
        private final SSLEngine jdk;

        FirstSourceOnlyEngine(SSLEngine jdk) {
            this.jdk = jdk;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    return jdk.wrap(srcs, i, 1, dst);
                }
            }
            return jdk.wrap(srcs, offset, length, dst);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return jdk.unwrap(src, dsts, offset, length);
        }

        @Override
        public Runnable getDelegatedTask() {
            return jdk.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            jdk.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return jdk.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            jdk.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return jdk.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return jdk.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return jdk.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            jdk.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return jdk.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return jdk.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            jdk.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return jdk.getSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            jdk.beginHandshake();
        }

        @Override
        public HandshakeStatus getHandshakeStatus() {
            return jdk.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            jdk.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return jdk.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            jdk.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return jdk.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            jdk.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return jdk.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            jdk.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return jdk.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return jdk.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            jdk.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return jdk.getApplicationProtocol();
        }
    }
}
