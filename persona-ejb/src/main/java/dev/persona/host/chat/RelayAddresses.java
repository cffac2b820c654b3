package dev.persona.host.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts the relay sockets whose phone has not completed the handshake, per source address, against the host
 * peer's {@code persona.peer.max.unproven.per.address}: the relay's per-source cap.
 */
final class RelayAddresses {

    private final int maxPerAddress;
    private final Map<String, Integer> unproven = new HashMap<>();

    RelayAddresses(int maxPerAddress) {
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts one more unproven socket from {@code address}, if it has fewer than the cap. */
    synchronized boolean hold(String address) {
        int held = unproven.getOrDefault(address, 0);
        if (held >= maxPerAddress) {
            return false;
        }
        unproven.put(address, held + 1);
        return true;
    }

    synchronized void release(String address) {
        unproven.computeIfPresent(address, (key, held) -> held > 1 ? held - 1 : null);
    }

    synchronized int held(String address) {
        return unproven.getOrDefault(address, 0);
    }
}
