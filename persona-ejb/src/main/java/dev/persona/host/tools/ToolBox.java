package dev.persona.host.tools;

import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.PluginLimits;
import dev.persona.plugins.PluginRunner;
import dev.persona.plugins.PluginRuntime;
import dev.persona.server.ConfiguredSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The container's side of the tool runtime: one {@link PluginRuntime} (plugins module: the bundled plugins compiled
 * once in the background, and the runner) made with the container's executors and the limits of the
 * {@code persona.tools.*} settings ({@link ToolLimitsSettings}). The compilation (several seconds of CPU) starts
 * {@link #COMPILE_AFTER} after this bean, when the deployment has usually finished, so that it does not slow the
 * server's start on a small machine; a chat that offers tools before then starts it and waits for it.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ToolBox {

    private static final Logger LOG = Logger.getLogger(ToolBox.class.getName());

    /** How long after this bean's start the plugins are compiled unless a chat needs them earlier. */
    static final Duration COMPILE_AFTER = Duration.ofSeconds(20);

    @Resource
    private ManagedExecutorService executor;

    @Resource
    private ManagedScheduledExecutorService watchdogs;

    @Inject
    private ConfiguredSettings settings;

    private PluginRuntime runtime;
    private Set<String> systemInfoFacts;
    private int maxRounds;

    @PostConstruct
    void load() {
        PluginLimits limits = ToolLimitsSettings.from(settings);
        maxRounds = settings.get(ToolLimitsSettings.MAX_ROUNDS);
        systemInfoFacts = Collections.unmodifiableSet(SystemInfoFacts.from(settings));
        runtime = new PluginRuntime(executor, watchdogs, limits, COMPILE_AFTER);
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

    /** The plugins; starts their compilation if it has not started yet and waits for it; throws if it failed. */
    public PluginCatalog catalog() {
        return runtime.catalog();
    }

    public PluginRunner runner() {
        return runtime.runner();
    }

    /** Rounds of tool calls in one answer; the last round must answer in words. */
    public int maxRounds() {
        return maxRounds;
    }

    /** The facts about the host that system-info may tell the model ({@link SystemInfoFacts}). */
    public Set<String> systemInfoFacts() {
        return systemInfoFacts;
    }
}
