package dev.persona.host.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * The places of relay sockets, with the host peer's budgets: at most {@code persona.peer.max.sessions} relay sockets
 * at once, and at most {@code persona.peer.max.unproven.per.address} of them per source address whose phone has not
 * completed the handshake (the relay's per-source cap). Counted apart from the data channels'.
 */
final class RelayPlaces {

    private final int maxSessions;
    private final int maxPerAddress;
    private final Map<String, Integer> unproven = new HashMap<>();
    private int open;

    RelayPlaces(int maxSessions, int maxPerAddress) {
        this.maxSessions = maxSessions;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Takes a place for a new, unproven socket from {@code address}, if one is free.
     *
     * @return null when it got one, else why not (fit for the log)
     */
    synchronized String take(String address) {
        if (open >= maxSessions) {
            return maxSessions + " relay sockets are open already (persona.peer.max.sessions)";
        }
        int held = unproven.getOrDefault(address, 0);
        if (held >= maxPerAddress) {
            return address + " has " + maxPerAddress + " relay sockets that have not completed the handshake "
                    + "already (persona.peer.max.unproven.per.address)";
        }
        open++;
        unproven.put(address, held + 1);
        return null;
    }

    /** The socket's phone completed the handshake: it no longer counts against its address. */
    synchronized void proven(String address) {
        unproven.computeIfPresent(address, (key, held) -> held > 1 ? held - 1 : null);
    }

    /** The socket closed: its place is free (and its address's count, with {@code wasProven} false). */
    synchronized void leave(String address, boolean wasProven) {
        open--;
        if (!wasProven) {
            proven(address);
        }
    }

    synchronized int unproven(String address) {
        return unproven.getOrDefault(address, 0);
    }

    synchronized int open() {
        return open;
    }
}
