package dev.persona.web.console;

import java.io.Serializable;

/**
 * A connected phone on the devices page.
 *
 * @param transport what carries the session: "data channel" (peer to peer) or "relay" (the host's HTTPS WebSocket)
 * @param request what it asked in its running or waiting turn, or null when it has none
 * @param tokens  tokens generated so far for that turn
 */
public record SessionRow(String phoneId, String deviceName, String personaName, String state, String transport,
                         String request, int tokens) implements Serializable {

    /** Requests longer than this are cut on the page. */
    private static final int REQUEST_SHOWN = 80;

    public String shortPhoneId() {
        return DeviceRow.shortened(phoneId);
    }

    /** The request as the page shows it: on one line, at most {@link #REQUEST_SHOWN} characters. */
    public String shortRequest() {
        if (request == null) {
            return "";
        }
        String line = request.strip().replaceAll("\\s+", " ");
        return line.length() > REQUEST_SHOWN ? line.substring(0, REQUEST_SHOWN - 1) + "…" : line;
    }
}
