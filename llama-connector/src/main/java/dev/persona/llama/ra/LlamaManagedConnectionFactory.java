package dev.persona.llama.ra;

import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.llama.backend.ExternalBackends;
import dev.persona.llama.backend.LlamaGateway;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

import javax.security.auth.Subject;

/**
 * The outbound connection definition, bound as {@code java:/eis/llama} by {@code META-INF/ironjacamar.xml}. With
 * {@code backendUrls} empty, its connections use the adapter's local llama-server pool; otherwise they use the
 * listed external OpenAI-compatible servers, least busy first. A second connection definition with other settings
 * can serve both side by side.
 */
@ConnectionDefinition(
        connectionFactory = LlamaConnectionFactory.class,
        connectionFactoryImpl = ContainerLlamaConnectionFactory.class,
        connection = LlamaConnection.class,
        connectionImpl = LlamaConnectionHandle.class)
public class LlamaManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation {

    private static final long serialVersionUID = 1L;

    @ConfigProperty(description = "Comma-separated base URLs of external OpenAI-compatible servers (llama-server,"
            + " Ollama, vLLM), e.g. 'http://gpu1:8080, http://gpu2:8080'. Empty: the adapter's local processes.")
    private String backendUrls = "";

    @ConfigProperty(description = "API keys for backendUrls, comma-separated: none, one for all servers, or one per"
            + " URL in the same order.", confidential = true)
    private String backendApiKeys = "";

    @ConfigProperty(description = "Model name sent to external servers that host several models (Ollama, vLLM);"
            + " empty for the server's default.")
    private String backendModel = "";

    private transient LlamaResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;
    private transient LlamaGateway externalGateway;

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return new ContainerLlamaConnectionFactory(this, manager);
    }

    /** A factory without a container: every connection gets a fresh managed connection (they are cheap). */
    @Override
    public Object createConnectionFactory() {
        return new ContainerLlamaConnectionFactory(this, new UnmanagedConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        return new LlamaManagedConnection(this, gateway());
    }

    /** Any managed connection of this factory will do: they all share the same gateway. */
    @Override
    public ManagedConnection matchManagedConnections(@SuppressWarnings("rawtypes") Set candidates, Subject subject,
                                                     ConnectionRequestInfo info) {
        for (Object candidate : candidates) {
            if (candidate instanceof LlamaManagedConnection connection && connection.factory() == this) {
                return connection;
            }
        }
        return null;
    }

    /** The gateway of this factory's backends: the adapter's local pool, or the external servers. */
    synchronized LlamaGateway gateway() throws LlamaException {
        if (resourceAdapter == null) {
            throw new LlamaException("This LlamaManagedConnectionFactory is not associated with the llama resource"
                    + " adapter");
        }
        if (backendUrls == null || backendUrls.isBlank()) {
            return resourceAdapter.localGateway();
        }
        if (externalGateway == null) {
            try {
                externalGateway = new LlamaGateway(ExternalBackends.parse(backendUrls, backendApiKeys, backendModel,
                        resourceAdapter.httpClient(), Clock.systemUTC()));
            } catch (IllegalArgumentException e) {
                throw new LlamaException("The llama connection factory is misconfigured: setting " + e.getMessage());
            }
        }
        return externalGateway;
    }

    /** The adapter whose local processes this factory's connections use; external servers are not the host's. */
    LlamaResourceAdapter localAdapter() throws LlamaException {
        String external = getBackendUrls();
        if (external != null && !external.isBlank()) {
            throw new LlamaException("This connection serves the external servers " + external + "; the host runs"
                    + " no pool of its own to reconfigure");
        }
        if (!(getResourceAdapter() instanceof LlamaResourceAdapter adapter)) {
            throw new LlamaException("This connection is not associated with the llama resource adapter");
        }
        return adapter;
    }

    @Override
    public synchronized void setResourceAdapter(ResourceAdapter adapter) {
        resourceAdapter = (LlamaResourceAdapter) adapter;
        externalGateway = null;
    }

    @Override
    public synchronized ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setLogWriter(PrintWriter writer) {
        logWriter = writer;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    public String getBackendUrls() {
        return backendUrls;
    }

    public synchronized void setBackendUrls(String backendUrls) {
        this.backendUrls = backendUrls;
        externalGateway = null;
    }

    public String getBackendApiKeys() {
        return backendApiKeys;
    }

    public synchronized void setBackendApiKeys(String backendApiKeys) {
        this.backendApiKeys = backendApiKeys;
        externalGateway = null;
    }

    public String getBackendModel() {
        return backendModel;
    }

    public synchronized void setBackendModel(String backendModel) {
        this.backendModel = backendModel;
        externalGateway = null;
    }

    /** Equal when configured alike, as the container's pool keys need. */
    @Override
    public boolean equals(Object other) {
        return other instanceof LlamaManagedConnectionFactory that && Objects.equals(backendUrls, that.backendUrls)
                && Objects.equals(backendApiKeys, that.backendApiKeys) && Objects.equals(backendModel,
                that.backendModel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(backendUrls, backendApiKeys, backendModel);
    }
}
