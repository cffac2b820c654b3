package dev.persona.host.tools;

import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.PluginLimits;
import dev.persona.plugins.PluginRunner;
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
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * The bundled plugins, compiled once in the background at start (a few seconds on a slow machine; the first tool
 * call waits for it), and the runner that runs their calls within the limits of the {@code persona.tools.*}
 * settings ({@link ToolLimitsSettings}).
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
    private ConfiguredSettings settings;

    private CompletableFuture<PluginCatalog> catalog;
    private PluginRunner runner;
    private Set<String> systemInfoFacts;
    private int maxRounds;

    @PostConstruct
    void load() {
        PluginLimits limits = ToolLimitsSettings.from(settings);
        maxRounds = settings.get(ToolLimitsSettings.MAX_ROUNDS);
        systemInfoFacts = Collections.unmodifiableSet(SystemInfoFacts.from(settings));
        runner = new PluginRunner(watchdogs, limits);
        LOG.info(() -> "Tool plugin calls may take " + limits.timeout().toMillis() + " ms, "
                + (limits.memoryBytes() >> 20) + " MiB of memory, " + (limits.outputBytes() >> 10)
                + " KiB of output; each persona's folder holds at most " + (limits.folderBytes() >> 20) + " MiB;"
                + " system-info shares " + (systemInfoFacts.isEmpty() ? "nothing" : String.join(", ", systemInfoFacts))
                + ".");
        long started = System.nanoTime();
        catalog = CompletableFuture.supplyAsync(PluginCatalog::bundled, executor);
        catalog.whenComplete((loaded, error) -> {
            if (error != null) {
                LOG.severe(() -> "The tool plugins could not be loaded; the model gets no tools: " + error);
            } else {
                LOG.info(() -> "Tool plugins " + PluginCatalog.BUNDLED + " compiled in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        });
    }

    /** The plugins; waits for their compilation; throws if it failed. */
    public PluginCatalog catalog() {
        return catalog.join();
    }

    public PluginRunner runner() {
        return runner;
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
