package dev.persona.web.console;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.persona.host.devices.PairingInvite;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Identity and pairing: the personas with their keys, a fresh invite's QR code, key rotation. */
@Named
@ViewScoped
public class PairingView implements Serializable {

    private static final long serialVersionUID = 1L;

    @EJB
    private PersonaIdentities identities;

    @Inject
    private CurrentInvite invites;

    private List<PersonaRow> personas;
    private int inviteMinutes = 10;
    private int graceDays = 7;

    @PostConstruct
    void load() {
        personas = new ArrayList<>();
        for (Persona persona : identities.personas()) {
            personas.add(new PersonaRow(persona));
        }
    }

    public List<PersonaRow> getPersonas() {
        return personas;
    }

    public PairingInvite getInvite() {
        return invites.valid();
    }

    /** Milliseconds since the epoch when the shown invite ends, for the countdown. */
    public long getInviteExpiresMillis() {
        PairingInvite shown = invites.valid();
        return shown == null ? 0 : shown.expiresAt().toEpochMilli();
    }

    public void mintInvite(PersonaRow persona) {
        try {
            invites.mint(persona.getId(), Duration.ofMinutes(inviteMinutes));
            Messages.info("New invite for " + persona.getName() + ": one phone, valid for " + inviteMinutes
                    + " minutes.");
        } catch (RuntimeException e) {
            Messages.error("No invite: " + Messages.reason(e));
        }
    }

    public void save(PersonaRow persona) {
        try {
            identities.describe(persona.getId(), persona.getName(), persona.getSystemPrompt(), persona.getColour());
            Messages.info("Saved " + persona.getName() + ". Phones that connect from now on get the new prompt.");
            load();
        } catch (RuntimeException e) {
            Messages.error("Not saved: " + Messages.reason(e));
        }
    }

    public void rotate(PersonaRow persona) {
        try {
            identities.rotate(persona.getId(), Duration.ofDays(graceDays));
            Messages.info("New key for " + persona.getName() + ". Paired phones can still connect with the old key for "
                    + graceDays + " days; new phones need a new QR code. The host takes phones on the new key after"
                    + " its next restart.");
            load();
        } catch (RuntimeException e) {
            Messages.error("Key not rotated: " + Messages.reason(e));
        }
    }

    public int getInviteMinutes() {
        return inviteMinutes;
    }

    public void setInviteMinutes(int inviteMinutes) {
        this.inviteMinutes = inviteMinutes;
    }

    public int getGraceDays() {
        return graceDays;
    }

    public void setGraceDays(int graceDays) {
        this.graceDays = graceDays;
    }
}
