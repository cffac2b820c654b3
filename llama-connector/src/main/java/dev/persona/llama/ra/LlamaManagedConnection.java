package dev.persona.llama.ra;

import dev.persona.llama.backend.LlamaGateway;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * A managed connection: a cheap view of its factory's {@link LlamaGateway}, which holds the HTTP client and the
 * backends. It tracks its handles so that the container can clean up, and tells the container when one closes.
 */
final class LlamaManagedConnection implements ManagedConnection {

    private final LlamaManagedConnectionFactory factory;
    private final LlamaGateway gateway;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<LlamaConnectionHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile PrintWriter logWriter;

    LlamaManagedConnection(LlamaManagedConnectionFactory factory, LlamaGateway gateway) {
        this.factory = factory;
        this.gateway = gateway;
    }

    LlamaManagedConnectionFactory factory() {
        return factory;
    }

    LlamaGateway gateway() {
        return gateway;
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) {
        LlamaConnectionHandle handle = new LlamaConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof LlamaConnectionHandle handle)) {
            throw new ResourceException("Not a llama connection handle: " + connection);
        }
        handle.associate(this);
        handles.add(handle);
    }

    /** The handle moved to another managed connection. */
    void forget(LlamaConnectionHandle handle) {
        handles.remove(handle);
    }

    /** Called by a handle's close: tells the container, which returns this connection to its pool. */
    void handleClosed(LlamaConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    @Override
    public void cleanup() {
        handles.forEach(LlamaConnectionHandle::invalidate);
        handles.clear();
    }

    @Override
    public void destroy() {
        cleanup();
        listeners.clear();
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("llama connections take part in no transaction");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("llama connections take part in no transaction");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new LlamaConnectionMetaData();
    }

    @Override
    public void setLogWriter(PrintWriter writer) {
        logWriter = writer;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
