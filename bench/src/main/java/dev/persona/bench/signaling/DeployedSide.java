package dev.persona.bench.signaling;

import java.security.SecureRandom;
import java.util.List;

/** The two servers the deployed signaling benchmarks compare, and the order in which a round visits them. */
enum DeployedSide {
    PERSONA("Persona, deployed (WildFly, wss)"), PEER("peer@1.0.2 (node, wss)");

    final String label;

    DeployedSide(String label) {
        this.label = label;
    }

    /**
     * Ids for {@code count} peers of this side, 50 to a loopback source address counted from the
     * {@code firstSource}-th on: key-proven ids with a fresh proof for the host's HTTPS origin on {@code port}
     * (Persona), or random ids and tokens as peerjs makes them (peer).
     */
    List<PeerSwarm.Identity> identities(int count, int port, int firstSource, SecureRandom random) {
        return this == PERSONA ? PeerSwarm.keyProven(count, "https://127.0.0.1:" + port, firstSource, random)
                : PeerSwarm.peerjsStyle(count, firstSource, random);
    }

    /** Both sides, Persona first when {@code personaFirst}: rounds alternate which side goes first. */
    static List<DeployedSide> order(boolean personaFirst) {
        return personaFirst ? List.of(PERSONA, PEER) : List.of(PEER, PERSONA);
    }
}
