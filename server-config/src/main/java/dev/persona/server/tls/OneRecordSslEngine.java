package dev.persona.server.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} that wraps a gathering write of several small buffers into one TLS record, and otherwise is
 * the engine it delegates to.
 *
 * <p>Why: wildfly-openssl's engine (2.2.5, the one WildFly ships) makes one record of the first non-empty source
 * buffer of {@link #wrap(ByteBuffer[], int, int, ByteBuffer)} and returns, and Undertow's {@code SslConduit} writes
 * each record to the socket before it wraps the next. Every WebSocket frame Undertow sends is a gathering write of
 * [frame header, payload], so each frame left the server as two records and two {@code write} calls (26 bytes, then
 * the payload's record). The JDK's engine packs all sources into one record, and conscrypt fixed the same behaviour
 * in its engine (google/conscrypt#947). Measured in docs/signaling.md, "Inside WildFly".
 *
 * <p>How: when the first non-empty source is smaller than a record's plaintext ({@value #MAX_RECORD_PLAINTEXT}
 * bytes) and another non-empty source follows, up to that many bytes of the sources are copied, in order, into one
 * direct buffer of the calling thread, the delegate wraps that buffer, and the sources advance by what it consumed.
 * The buffer is the thread's, not the engine's, because it only lives during the call (the delegate copies it into
 * the TLS library) and thousands of connections must not each hold 16 KiB. Everything else (handshake, ALPN,
 * session, close, unwrap) goes to the delegate unchanged.
 */
final class OneRecordSslEngine extends SSLEngine {

    /** The largest plaintext one TLS record carries (RFC 8446 5.1, RFC 5246 6.2.1). */
    static final int MAX_RECORD_PLAINTEXT = 16_384;

    private static final ThreadLocal<ByteBuffer> GATHER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MAX_RECORD_PLAINTEXT));

    private final SSLEngine delegate;
    private final BiConsumer<SSLEngine, String[]> applicationProtocolsSetter;

    /**
     * @param applicationProtocolsSetter gives the delegate the ALPN protocols of {@link #setSSLParameters}, for an
     *     engine whose {@code setSSLParameters} ignores them (wildfly-openssl's), or {@code null} when it does not
     */
    OneRecordSslEngine(SSLEngine delegate, BiConsumer<SSLEngine, String[]> applicationProtocolsSetter) {
        super(delegate.getPeerHost(), delegate.getPeerPort());
        this.delegate = delegate;
        this.applicationProtocolsSetter = applicationProtocolsSetter;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        int first = offset;
        int end = offset + length;
        while (first < end && !srcs[first].hasRemaining()) {
            first++;
        }
        if (first == end || srcs[first].remaining() >= MAX_RECORD_PLAINTEXT || !anyRemaining(srcs, first + 1, end)) {
            return delegate.wrap(srcs, offset, length, dst);
        }
        ByteBuffer gather = GATHER.get();
        gather.clear();
        for (int i = first; i < end && gather.hasRemaining(); i++) {
            ByteBuffer src = srcs[i];
            int n = Math.min(src.remaining(), gather.remaining());
            gather.put(gather.position(), src, src.position(), n);
            gather.position(gather.position() + n);
        }
        gather.flip();
        SSLEngineResult result = delegate.wrap(gather, dst);
        int consumed = result.bytesConsumed();
        for (int i = first; i < end && consumed > 0; i++) {
            ByteBuffer src = srcs[i];
            int n = Math.min(src.remaining(), consumed);
            src.position(src.position() + n);
            consumed -= n;
        }
        return result;
    }

    private static boolean anyRemaining(ByteBuffer[] srcs, int from, int end) {
        for (int i = from; i < end; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        return delegate.unwrap(src, dsts, offset, length);
    }

    @Override
    public Runnable getDelegatedTask() {
        return delegate.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        delegate.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return delegate.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        delegate.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return delegate.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return delegate.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        delegate.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return delegate.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return delegate.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        delegate.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return delegate.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return delegate.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        delegate.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return delegate.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        delegate.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return delegate.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        delegate.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return delegate.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        delegate.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return delegate.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        delegate.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return delegate.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return delegate.getSSLParameters();
    }

    /**
     * The delegate's, and the ALPN protocols through {@code applicationProtocolsSetter} where it has one: Undertow
     * offers h2 through these parameters for any engine but wildfly-openssl's own class.
     */
    @Override
    public void setSSLParameters(SSLParameters params) {
        delegate.setSSLParameters(params);
        String[] protocols = params.getApplicationProtocols();
        if (applicationProtocolsSetter != null && protocols.length > 0) {
            applicationProtocolsSetter.accept(delegate, protocols);
        }
    }

    @Override
    public String getApplicationProtocol() {
        return delegate.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return delegate.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        delegate.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return delegate.getHandshakeApplicationProtocolSelector();
    }

    @Override
    public String toString() {
        return "OneRecordSslEngine[" + delegate + "]";
    }
}
