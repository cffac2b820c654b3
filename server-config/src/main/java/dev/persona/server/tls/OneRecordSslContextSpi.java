package dev.persona.server.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.BiConsumer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/** An {@link SSLContext} whose engines are {@link OneRecordSslEngine}s around the engines of another context. */
final class OneRecordSslContextSpi extends SSLContextSpi {

    private final SSLContext delegate;
    private final BiConsumer<SSLEngine, String[]> applicationProtocolsSetter;

    OneRecordSslContextSpi(SSLContext delegate, BiConsumer<SSLEngine, String[]> applicationProtocolsSetter) {
        this.delegate = delegate;
        this.applicationProtocolsSetter = applicationProtocolsSetter;
    }

    @Override
    protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
            throws KeyManagementException {
        delegate.init(keyManagers, trustManagers, random);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return new OneRecordSslEngine(delegate.createSSLEngine(), applicationProtocolsSetter);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return new OneRecordSslEngine(delegate.createSSLEngine(host, port), applicationProtocolsSetter);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return delegate.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return delegate.getSupportedSSLParameters();
    }
}
