package dev.persona.host.chat;

import java.util.concurrent.Executor;

/** The model server's slots as a session and its turns use them: the context each holds, taking one, giving it back. */
interface TurnSlots {

    /** The context a turn may use, for the pool as it runs now. */
    ContextBudget budget();

    /** Holds a slot, or else a place in line, for the device's next turn. */
    TurnScheduler.Reservation reserve(String device) throws TurnScheduler.RefusedException;

    /** The device's turn ended: its slot or place goes to the next in line. */
    void finished(String device);

    /**
     * Runs the turns' starts (each sends its request to the model server) one at a time, in the order the
     * {@link TurnScheduler} started them, on the chat's executor: the model server's queue gets the requests in the
     * order of the host's line, so the phone told position 1 is the next served.
     */
    Executor starts();
}
