package dev.persona.llama;

/**
 * Where a backend stands. Local llama-server processes go through all of these; external servers are READY or
 * FAILED.
 */
public enum BackendState {
    /** The process was launched and does not answer HTTP yet. */
    STARTING,
    /** The server answers {@code /health} with 503: it is loading the model. */
    LOADING_MODEL,
    /** The server takes requests. */
    READY,
    /**
     * The process died or did not become ready, or the external server failed; the detail says why and when the
     * next try is.
     */
    FAILED,
    /** Stopped on purpose (undeploy or shutdown), or never started because no model is configured. */
    STOPPED
}
