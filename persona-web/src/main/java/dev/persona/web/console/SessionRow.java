package dev.persona.web.console;

import java.io.Serializable;

/** A connected phone on the devices page. */
public record SessionRow(String phoneId, String deviceName, String personaName, String state) implements Serializable {

    public String shortPhoneId() {
        return phoneId.length() > 12 ? phoneId.substring(0, 12) + "…" : phoneId;
    }
}
