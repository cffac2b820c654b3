package dev.persona.web.console;

import java.io.Serializable;
import java.util.List;

import dev.persona.host.tools.ToolSetting;

/** One plugin on the tools page, with the switch the owner flips for a persona. */
public class ToolRow implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String plugin;
    private final List<String> tools;
    private final String description;
    private boolean enabled;

    ToolRow(ToolSetting setting) {
        this.plugin = setting.plugin();
        this.tools = List.copyOf(setting.tools());
        this.description = setting.description();
        this.enabled = setting.enabled();
    }

    public String getPlugin() {
        return plugin;
    }

    public String getTools() {
        return String.join(", ", tools);
    }

    public String getDescription() {
        return description;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
