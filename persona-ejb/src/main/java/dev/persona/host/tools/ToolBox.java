package dev.persona.host.tools;

import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.PluginLimits;
import dev.persona.plugins.PluginRunner;
import dev.persona.plugins.PluginRuntime;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The container's side of the tool runtime: one {@link PluginRuntime} (plugins module: the bundled plugins compiled
 * once in the background at start, the first tool call waiting for it, and the runner) made with the container's
 * executors and the limits of the {@code persona.tools.*} settings ({@link ToolLimitsSettings}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ToolBox {

    private static final Logger LOG = Logger.getLogger(ToolBox.class.getName());

    @Resource
    private ManagedExecutorService executor;

    @Resource
    private ManagedScheduledExecutorService watchdogs;

    @Inject
    private Config config;

    private PluginRuntime runtime;
    private Set<String> systemInfoFacts;

    @PostConstruct
    void load() {
        Function<String, Optional<String>> settings = name -> config.getOptionalValue(name, String.class);
        PluginLimits limits = ToolLimitsSettings.from(settings);
        systemInfoFacts = Collections.unmodifiableSet(SystemInfoFacts.from(settings));
        runtime = new PluginRuntime(executor, watchdogs, limits);
        LOG.info(() -> "Tool plugin calls may take " + limits.timeout().toMillis() + " ms, "
                + (limits.memoryBytes() >> 20) + " MiB of memory, " + (limits.outputBytes() >> 10)
                + " KiB of output; each persona's folder holds at most " + (limits.folderBytes() >> 20) + " MiB;"
                + " system-info shares " + (systemInfoFacts.isEmpty() ? "nothing" : String.join(", ", systemInfoFacts))
                + ".");
        runtime.compiled().whenComplete((took, error) -> {
            if (error != null) {
                LOG.severe(() -> "The tool plugins could not be loaded; the model gets no tools: " + error);
            } else {
                LOG.info(() -> "Tool plugins " + PluginCatalog.BUNDLED + " compiled in " + took.toMillis() + " ms");
            }
        });
    }

    /** The plugins; waits for their compilation; throws if it failed. */
    public PluginCatalog catalog() {
        return runtime.catalog();
    }

    public PluginRunner runner() {
        return runtime.runner();
    }

    /** The facts about the host that system-info may tell the model ({@link SystemInfoFacts}). */
    public Set<String> systemInfoFacts() {
        return systemInfoFacts;
    }
}
