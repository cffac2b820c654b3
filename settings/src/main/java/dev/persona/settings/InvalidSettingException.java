package dev.persona.settings;

/**
 * A setting has a value the host cannot work with. The message has one form for every setting of every module,
 * {@code <SETTING_NAME> = '<value>': expected <what is accepted>.}, and is shown to the owner as it is.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    InvalidSettingException(String setting, String value, String accepted) {
        super(Setting.environmentName(setting) + " = '" + value + "': expected " + accepted + ".");
        this.setting = setting;
    }

    /** The setting's name as a system property, e.g. {@code persona.https.port}. */
    public String setting() {
        return setting;
    }
}
