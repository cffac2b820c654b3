package dev.persona.signaling.registry;

import java.util.List;
import java.util.function.Function;

import dev.persona.signaling.identity.KeyId;

/**
 * Who is connected under which id, and the relay between them: registration by claim, delivery or queueing of
 * messages, EXPIRE for messages that waited too long, and dropping of silent peers. Callers check ids, proofs and
 * per-connection limits before they register; the registry owns everything that spans peers (the concurrent limit,
 * the limits per source address, the queues of absent peers and their byte budgets).
 */
public interface PeerRegistry {

    /**
     * Registers {@code id} for a connection from {@code source}. A new registration gets OPEN, then any messages
     * that were waiting for the id, through {@code sink}; the connection it replaces (if any) is told
     * {@link Disconnect#REPLACED}.
     *
     * @param source the address the connection comes from, as the limits per source count it
     * @throws RegistrationRefusedException when the id is taken by another token, the server is full, or the source
     *                                      has as many peers connected as one source may
     */
    PeerConnection register(String id, Claim claim, String source, MessageSink sink)
            throws RegistrationRefusedException;

    /**
     * Registers an in-process peer, such as a persona of the host, under its key id without a proof: the caller is
     * trusted. It is never dropped for silence. {@code sinkFactory} gets the new connection (to send with) and
     * returns the sink for the peer's messages; nothing is delivered before it returns. Messages then reach the sink
     * one at a time, in order, on the registry's executor, starting with OPEN and whatever waited for the id, so
     * the sink may block briefly and may send through the connection from inside {@link MessageSink#deliver}.
     *
     * @throws RegistrationRefusedException when the server is full
     */
    PeerConnection attachLocalPeer(KeyId id, Function<PeerConnection, MessageSink> sinkFactory)
            throws RegistrationRefusedException;

    /** The ids connected now. */
    List<String> peerIds();

    /** How many peers are connected now. */
    int peerCount();

    /**
     * Expires messages that waited too long (the senders get EXPIRE) and drops peers that were silent too long.
     * The signaling server calls it periodically.
     */
    void sweep();
}
