package dev.persona.web.console;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.host.tools.PersonaTools;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;

/** Tools: which plugins each persona's model may call, and the calls it made lately. */
@Named
@ViewScoped
public class ToolsView implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Calls shown per persona. */
    static final int RECENT_CALLS = 50;

    @EJB
    private PersonaIdentities identities;

    @EJB
    private PersonaTools personaTools;

    private List<PersonaToolsRow> personas;

    @PostConstruct
    void load() {
        personas = new ArrayList<>();
        for (Persona persona : identities.personas()) {
            personas.add(new PersonaToolsRow(new PersonaRow(persona),
                    personaTools.tools(persona.id()).stream().map(ToolRow::new).toList(),
                    personaTools.recentCalls(persona.id(), RECENT_CALLS).stream().map(ToolCallRow::new).toList()));
        }
    }

    public List<PersonaToolsRow> getPersonas() {
        return personas;
    }

    /** Saves the switch the owner just flipped. */
    public void toggle(PersonaToolsRow persona, ToolRow tool) {
        try {
            personaTools.setEnabled(persona.persona().getId(), tool.getPlugin(), tool.isEnabled());
            Messages.info((tool.isEnabled() ? "Turned on " : "Turned off ") + tool.getPlugin() + " for "
                    + persona.persona().getName() + (tool.isEnabled() ? ": its model may call " : ": its model no longer sees ")
                    + tool.getTools() + " from its next answer.");
        } catch (RuntimeException e) {
            tool.setEnabled(!tool.isEnabled());
            Messages.error("Not changed: " + Messages.reason(e));
        }
    }
}
