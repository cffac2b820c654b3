package dev.persona.server.tls;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The JCA provider of WildFly's HTTPS: wildfly-openssl's {@code SSLContext}s (the {@code openssl} provider of the
 * module {@code org.wildfly.openssl}), each engine a {@link OneRecordSslEngine}, so that a WebSocket frame leaves in
 * one TLS record and one {@code write} instead of two. persona.cli loads it with an Elytron {@code provider-loader}
 * from the server module {@code dev.persona.tls} and names it in the HTTPS {@code server-ssl-context}'s
 * {@code providers}; the module depends on {@code org.wildfly.openssl}, whose classes are reached by name here
 * (they are WildFly's, not on this project's build path).
 */
public final class OneRecordOpenSslProvider extends Provider {

    static final String NAME = "persona-openssl";
    private static final String OPENSSL_PROVIDER = "org.wildfly.openssl.OpenSSLProvider";
    private static final String OPENSSL_ENGINE = "org.wildfly.openssl.OpenSSLEngine";
    /** The algorithms Elytron's {@code server-ssl-context} may ask for, as wildfly-openssl offers them. */
    private static final List<String> PROTOCOLS = List.of("TLS", "TLSv1.2", "TLSv1.3");

    private final Provider openSsl;
    private final BiConsumer<SSLEngine, String[]> applicationProtocolsSetter;

    public OneRecordOpenSslProvider() throws ReflectiveOperationException {
        this((Provider) Class.forName(OPENSSL_PROVIDER, true, OneRecordOpenSslProvider.class.getClassLoader())
                .getConstructor().newInstance());
    }

    OneRecordOpenSslProvider(Provider openSsl) throws ReflectiveOperationException {
        super(NAME, "1.0", "wildfly-openssl's TLS, one record per gathering write");
        this.openSsl = openSsl;
        this.applicationProtocolsSetter = applicationProtocolsSetter(openSsl);
        for (String protocol : PROTOCOLS) {
            putService(new OneRecordService(protocol));
        }
    }

    /**
     * wildfly-openssl's engine takes the ALPN protocols through its own {@code setApplicationProtocols}, not
     * {@code SSLParameters} (Undertow calls it by reflection when the engine's class is that one; our wrapper is
     * not, so Undertow hands them over as parameters and the wrapper passes them on with this).
     */
    private static BiConsumer<SSLEngine, String[]> applicationProtocolsSetter(Provider openSsl)
            throws ReflectiveOperationException {
        Class<?> engine = Class.forName(OPENSSL_ENGINE, false, openSsl.getClass().getClassLoader());
        MethodHandle setter = MethodHandles.publicLookup().findVirtual(engine, "setApplicationProtocols",
                MethodType.methodType(void.class, String[].class)).asFixedArity();
        return (sslEngine, protocols) -> {
            try {
                setter.invoke(sslEngine, protocols);
            } catch (Throwable e) {
                throw new IllegalStateException("wildfly-openssl refused the ALPN protocols", e);
            }
        };
    }

    private final class OneRecordService extends Service {

        OneRecordService(String protocol) {
            super(OneRecordOpenSslProvider.this, "SSLContext", protocol, OneRecordSslContextSpi.class.getName(),
                    null, null);
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return new OneRecordSslContextSpi(SSLContext.getInstance("openssl." + getAlgorithm(), openSsl),
                    applicationProtocolsSetter);
        }
    }
}
