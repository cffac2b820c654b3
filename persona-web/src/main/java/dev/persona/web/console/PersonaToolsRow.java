package dev.persona.web.console;

import java.io.Serializable;
import java.util.List;

/** A persona on the tools page: its plugins and its model's latest calls. */
public record PersonaToolsRow(PersonaRow persona, List<ToolRow> tools, List<ToolCallRow> calls)
        implements Serializable {
}
