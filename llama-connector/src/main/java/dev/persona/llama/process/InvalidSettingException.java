package dev.persona.llama.process;

/** A setting of the connector has a value it cannot work with; the message names the setting and what to do. */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    public InvalidSettingException(String setting, String problem) {
        super("Setting " + setting + ": " + problem);
        this.setting = setting;
    }

    /** The setting's name, e.g. {@code modelFile}. */
    public String setting() {
        return setting;
    }
}
