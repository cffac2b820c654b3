package dev.persona.llama.backend;

import java.util.List;

/** The backends one connection factory routes to: the local process pool, or a list of external servers. */
public interface BackendGroup {

    /** The backends, in a fixed order (ties in load go to the first). */
    List<? extends Backend> backends();

    /** Why no backend takes requests, for the exception a caller gets; lists each backend's state. */
    String unavailableReason();
}
