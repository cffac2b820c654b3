package dev.persona.host.tools;

import dev.persona.host.config.HostConfiguration;
import dev.persona.llama.ToolCall;
import dev.persona.llama.ToolDefinition;
import dev.persona.plugins.InvalidToolCallException;
import dev.persona.plugins.PluginCall;
import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.PluginResult;
import dev.persona.plugins.ToolDeclaration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Runs the model's tool calls for a persona: checks that the persona may use the tool, runs the plugin in the
 * persona's sandbox (its folder {@code <data dir>/personas/<id>/files}), carries out what the scheduler plugin
 * asks for, and records every call for the console. Never throws for anything the model or a plugin did: every
 * ending is a {@link ToolResult}.
 */
@ApplicationScoped
public class ToolExecutor {

    private static final Logger LOG = Logger.getLogger(ToolExecutor.class.getName());

    @Inject
    ToolBox toolBox;

    @Inject
    PersonaTools personaTools;

    @Inject
    Reminders reminders;

    @Inject
    HostConfiguration configuration;

    /** The tools this persona's model is offered (empty: tools off). */
    public List<ToolDefinition> definitionsFor(UUID persona) {
        Set<String> enabled = personaTools.enabledPlugins(persona);
        if (enabled.isEmpty()) {
            return List.of();
        }
        return toolBox.catalog().tools().stream().filter(tool -> enabled.contains(tool.plugin()))
                .map(tool -> new ToolDefinition(tool.name(), tool.description(), tool.parameters().toString()))
                .toList();
    }

    /** The persona's own folder, the only one its plugins see. */
    public Path folderOf(UUID persona) {
        return configuration.dataDirectory().root().resolve("personas").resolve(persona.toString()).resolve("files");
    }

    public ToolResult run(ToolContext context, ToolCall call) {
        long started = System.nanoTime();
        ToolResult result = execute(context, call, started);
        try {
            personaTools.record(context, result);
        } catch (RuntimeException e) {
            LOG.warning(() -> "Tool call " + call.name() + " could not be recorded for the console: " + e);
        }
        return result;
    }

    private ToolResult execute(ToolContext context, ToolCall call, long started) {
        PluginCatalog catalog = toolBox.catalog();
        Optional<ToolDeclaration> tool = catalog.tool(call.name());
        if (tool.isEmpty()) {
            return result(call, "invalid-arguments", "there is no tool '" + call.name() + "'", started);
        }
        String plugin = tool.get().plugin();
        if (!personaTools.enabledPlugins(context.persona()).contains(plugin)) {
            return result(call, "disabled", "the owner has not allowed the tool '" + call.name() + "'", started);
        }
        PluginCall pluginCall;
        try {
            pluginCall = catalog.call(call.name(), call.arguments(), folderOf(context.persona()), environment(plugin));
        } catch (InvalidToolCallException e) {
            return result(call, "invalid-arguments", e.getMessage(), started);
        }
        PluginResult outcome = toolBox.runner().run(pluginCall);
        String name = outcome.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!outcome.ok()) {
            LOG.info(() -> "Tool " + call.name() + " of persona " + context.persona() + " ended " + name + ": "
                    + outcome.text());
            return result(call, name, outcome.text(), started);
        }
        if (plugin.equals("scheduler")) {
            try {
                return result(call, "ok", new ReminderActions(reminders, context).apply(outcome.text()), started);
            } catch (IllegalArgumentException | IllegalStateException e) {
                return result(call, "tool-error", e.getMessage(), started);
            }
        }
        return result(call, "ok", outcome.text(), started);
    }

    /** What a plugin may read: the host facts the owner shares for system-info, the UTC offset for the scheduler. */
    private Map<String, String> environment(String plugin) {
        int offsetMinutes = ZoneId.systemDefault().getRules().getOffset(Instant.now()).getTotalSeconds() / 60;
        if (plugin.equals("system-info")) {
            return SystemInfoFacts.environment(toolBox.systemInfoFacts());
        }
        if (plugin.equals("scheduler")) {
            return Map.of("PERSONA_UTC_OFFSET_MINUTES", Integer.toString(offsetMinutes));
        }
        return Map.of();
    }

    private static ToolResult result(ToolCall call, String outcome, String text, long started) {
        return new ToolResult(call.id(), call.name(), call.arguments(), outcome, text, (System.nanoTime() - started) / 1000);
    }
}
