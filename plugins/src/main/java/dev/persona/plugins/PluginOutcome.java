package dev.persona.plugins;

/** How a plugin call ended. Everything but {@link #OK} is a refusal or failure whose text says what happened. */
public enum PluginOutcome {
    /** The function ran; the text is its result. */
    OK,
    /** The function refused the arguments or failed (e.g. a missing file); the text is its message. */
    TOOL_ERROR,
    /** The arguments did not fit the tool's declaration. */
    INVALID_ARGUMENTS,
    /** The call ran past its time limit and was interrupted. */
    TIMEOUT,
    /** The module ran out of its memory limit. */
    MEMORY_LIMIT,
    /** The module wrote more output than allowed. */
    OUTPUT_LIMIT,
    /** The persona's folder would exceed its quota. */
    FOLDER_QUOTA,
    /** The persona's folder holds something the sandbox refuses (a symbolic link). */
    SANDBOX,
    /** The module trapped (a WebAssembly fault, e.g. unreachable or an out-of-bounds access). */
    TRAP
}
