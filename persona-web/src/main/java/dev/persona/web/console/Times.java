package dev.persona.web.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/** Instants as the console shows them, in the host's time zone: {@code #{times.of(device.lastSeen)}}. */
@Named
@ApplicationScoped
public class Times {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    public String of(Instant instant) {
        return instant == null ? "—" : DATE_TIME.format(instant);
    }

    public String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }
}
