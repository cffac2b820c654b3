package dev.persona.host.tools;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.util.UUID;

/** Whether one persona may use one plugin's tools; without a row the plugin's default applies. */
@Entity
@Table(name = "persona_tool", uniqueConstraints = @UniqueConstraint(columnNames = {"persona_id", "plugin"}))
public class ToolPermission {

    @Id
    @GeneratedValue
    private Long id;

    @Column(name = "persona_id", nullable = false)
    private UUID personaId;

    @Column(nullable = false, length = 64)
    private String plugin;

    @Column(nullable = false)
    private boolean enabled;

    protected ToolPermission() {
    }

    ToolPermission(UUID personaId, String plugin, boolean enabled) {
        this.personaId = personaId;
        this.plugin = plugin;
        this.enabled = enabled;
    }

    String plugin() {
        return plugin;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean value) {
        enabled = value;
    }
}
