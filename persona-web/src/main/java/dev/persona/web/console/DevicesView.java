package dev.persona.web.console;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.persona.host.chat.ChatHost;
import dev.persona.host.chat.ConnectionFailures;
import dev.persona.host.chat.LiveSessions;
import dev.persona.host.devices.Device;
import dev.persona.host.devices.DeviceTrust;
import dev.persona.host.identity.Persona;
import dev.persona.host.identity.PersonaIdentities;
import dev.persona.peer.SessionClosed;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;

/** Devices (pending, approved, revoked), the phones connected now, and the ones that could not connect lately. */
@Named
@ViewScoped
public class DevicesView implements Serializable {

    private static final long serialVersionUID = 1L;

    @EJB
    private DeviceTrust devices;

    @EJB
    private PersonaIdentities identities;

    @EJB
    private ChatHost chat;

    private List<DeviceRow> pending;
    private List<DeviceRow> known;
    private List<SessionRow> sessions;
    private List<ConnectionFailureRow> connectionFailures;

    @PostConstruct
    void load() {
        pending = new ArrayList<>();
        known = new ArrayList<>();
        sessions = new ArrayList<>();
        List<LiveSessions.LiveSession> live = chat.liveSessions().list();
        Set<UUID> connected = new HashSet<>();
        live.forEach(s -> connected.add(s.deviceId()));
        Map<UUID, String> deviceNames = new HashMap<>();
        Map<String, String> namesByKeyId = new HashMap<>();
        Map<UUID, String> personaNames = new HashMap<>();
        for (Persona persona : identities.personas()) {
            personaNames.put(persona.id(), persona.name());
            for (Device device : devices.devices(persona.id())) {
                DeviceRow row = new DeviceRow(device, persona.name(), connected.contains(device.id()));
                deviceNames.put(device.id(), device.displayName());
                namesByKeyId.put(row.getKeyId(), device.displayName());
                (row.getStatus().equals("pending") ? pending : known).add(row);
            }
        }
        for (LiveSessions.LiveSession session : live) {
            String device = session.deviceId() == null ? "(handshake)" : deviceNames.getOrDefault(session.deviceId(),
                    "(unknown)");
            sessions.add(new SessionRow(session.phoneId(), device, personaNames.getOrDefault(session.personaId(), "?"),
                    session.deviceId() == null ? "connecting" : "connected",
                    session.transport() == LiveSessions.Transport.RELAY ? "relay" : "data channel", session.request(),
                    session.tokens()));
        }
        connectionFailures = new ArrayList<>();
        for (ConnectionFailures.Failure failure : chat.connectionFailures().list()) {
            String phone = namesByKeyId.getOrDefault(failure.phoneId(), DeviceRow.shortened(failure.phoneId()));
            connectionFailures.add(new ConnectionFailureRow(failure.at(), phone,
                    failure.reason() == SessionClosed.Reason.UNREACHABLE ? "No peer-to-peer path"
                            : "Connection offer not usable", failure.detail()));
        }
    }

    /** Refreshes the lists (the page polls). */
    public void refresh() {
        load();
    }

    public List<DeviceRow> getPending() {
        return pending;
    }

    public List<DeviceRow> getKnown() {
        return known;
    }

    public List<SessionRow> getSessions() {
        return sessions;
    }

    /** Phones that could not connect lately, newest first. */
    public List<ConnectionFailureRow> getConnectionFailures() {
        return connectionFailures;
    }

    public int getRunningTurns() {
        return chat.liveSessions().runningTurns();
    }

    public int getWaitingTurns() {
        return chat.liveSessions().waitingTurns();
    }

    public void approve(DeviceRow device) {
        act(() -> devices.approve(device.getId()), device.getName() + " may chat now.");
    }

    public void deny(DeviceRow device) {
        act(() -> devices.revoke(device.getId()), device.getName() + " was refused; it needs a new invite to try again.");
    }

    public void revoke(DeviceRow device) {
        act(() -> devices.revoke(device.getId()), device.getName() + " is revoked and was cut off.");
    }

    public void rename(DeviceRow device) {
        act(() -> devices.rename(device.getId(), device.getName()), "Renamed to " + device.getName() + ".");
    }

    public void end(SessionRow session) {
        boolean ended = chat.liveSessions().end(session.phoneId());
        if (ended) {
            Messages.info("Ended the session of " + session.deviceName() + "; its answer stopped.");
        } else {
            Messages.error("That phone had already left.");
        }
        load();
    }

    private void act(Runnable action, String done) {
        try {
            action.run();
            Messages.info(done);
        } catch (RuntimeException e) {
            Messages.error(Messages.reason(e));
        }
        load();
    }
}
