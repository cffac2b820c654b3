package dev.persona.host.tools;

import dev.persona.plugins.Plugin;
import dev.persona.plugins.PluginCatalog;
import dev.persona.plugins.ToolDeclaration;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which plugins each persona's model may use, and the calls it made: the service behind the console's tools page.
 * Without a setting of the owner, {@code calculator}, {@code files} (its own folder only) and {@code scheduler}
 * are on and {@code system-info} (facts about the host) is off.
 */
@Stateless
public class PersonaTools {

    static final Set<String> ON_BY_DEFAULT = Set.of("calculator", "files", "scheduler");

    @PersistenceContext(unitName = "persona")
    private EntityManager entityManager;

    @Inject
    private ToolBox toolBox;

    /** Every bundled plugin with whether this persona may use it. */
    public List<ToolSetting> tools(UUID persona) {
        Set<String> enabled = enabledPlugins(persona);
        List<ToolSetting> settings = new ArrayList<>();
        for (String name : PluginCatalog.BUNDLED) {
            Plugin plugin = toolBox.catalog().plugin(name).orElseThrow();
            List<String> tools = plugin.tools().stream().map(ToolDeclaration::name).toList();
            String description = plugin.tools().isEmpty() ? "" : plugin.tools().get(0).description();
            settings.add(new ToolSetting(name, tools, description, enabled.contains(name)));
        }
        return settings;
    }

    /** Turns a plugin on or off for a persona. */
    public void setEnabled(UUID persona, String plugin, boolean enabled) {
        if (!PluginCatalog.BUNDLED.contains(plugin)) {
            throw new IllegalArgumentException("there is no plugin '" + plugin + "'; there are " + PluginCatalog.BUNDLED);
        }
        List<ToolPermission> rows = permissions(persona).stream().filter(p -> p.plugin().equals(plugin)).toList();
        if (rows.isEmpty()) {
            entityManager.persist(new ToolPermission(persona, plugin, enabled));
        } else {
            rows.get(0).enabled(enabled);
        }
    }

    /** The plugins this persona may use. */
    public Set<String> enabledPlugins(UUID persona) {
        Set<String> enabled = new LinkedHashSet<>();
        List<ToolPermission> rows = permissions(persona);
        for (String plugin : PluginCatalog.BUNDLED) {
            boolean on = rows.stream().filter(p -> p.plugin().equals(plugin)).findFirst()
                    .map(ToolPermission::enabled).orElse(ON_BY_DEFAULT.contains(plugin));
            if (on) {
                enabled.add(plugin);
            }
        }
        return enabled;
    }

    /** The latest calls of this persona's model, newest first. */
    public List<ToolCallView> recentCalls(UUID persona, int limit) {
        return entityManager.createQuery("select c from ToolCallRecord c where c.personaId = :persona "
                        + "order by c.calledAt desc, c.id desc", ToolCallRecord.class)
                .setParameter("persona", persona).setMaxResults(Math.max(1, Math.min(limit, 500))).getResultList()
                .stream().map(ToolCallRecord::view).toList();
    }

    /** Keeps a call for the console and for the history of its conversation. */
    public void record(ToolContext context, ToolResult call) {
        entityManager.persist(new ToolCallRecord(context, Instant.now(), call));
    }

    /** The calls made in a conversation's turns, oldest first. */
    public List<ToolCallView> callsIn(UUID conversation) {
        return entityManager.createQuery("select c from ToolCallRecord c where c.conversationId = :conversation "
                        + "order by c.calledAt, c.id", ToolCallRecord.class)
                .setParameter("conversation", conversation).getResultList()
                .stream().map(ToolCallRecord::view).toList();
    }

    private List<ToolPermission> permissions(UUID persona) {
        return entityManager.createQuery("select p from ToolPermission p where p.personaId = :persona",
                ToolPermission.class).setParameter("persona", persona).getResultList();
    }
}
