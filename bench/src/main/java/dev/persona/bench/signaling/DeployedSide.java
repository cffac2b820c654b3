package dev.persona.bench.signaling;

import java.util.List;

/** The two servers the deployed signaling benchmarks compare, and the order in which a round visits them. */
enum DeployedSide {
    PERSONA("Persona, deployed (WildFly, wss)"), PEER("peer@1.0.2 (node, wss)");

    final String label;

    DeployedSide(String label) {
        this.label = label;
    }

    /** Both sides, Persona first when {@code personaFirst}: rounds alternate which side goes first. */
    static List<DeployedSide> order(boolean personaFirst) {
        return personaFirst ? List.of(PERSONA, PEER) : List.of(PEER, PERSONA);
    }
}
