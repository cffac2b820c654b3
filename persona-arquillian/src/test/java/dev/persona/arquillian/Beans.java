package dev.persona.arquillian;

import jakarta.enterprise.inject.spi.CDI;

/**
 * The deployment's beans for a test running in the container, through the standard {@code CDI.current()}: the
 * same on both servers, whichever test enrichers an adapter brings (Payara's 2.5 adapter brings javax ones).
 */
public final class Beans {

    private Beans() {
    }

    public static <T> T bean(Class<T> type) {
        return CDI.current().select(type).get();
    }
}
