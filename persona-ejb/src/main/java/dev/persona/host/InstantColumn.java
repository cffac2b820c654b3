package dev.persona.host;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Every {@link Instant} of the entities is a {@code TIMESTAMP WITH TIME ZONE} column, written in UTC. Jakarta
 * Persistence 3.1 (Jakarta EE 10) maps {@link OffsetDateTime} but not {@link Instant}, which comes with 3.2:
 * Hibernate (WildFly) maps it anyway, EclipseLink (Payara) would serialize it into a byte string.
 */
@Converter(autoApply = true)
public class InstantColumn implements AttributeConverter<Instant, OffsetDateTime> {

    @Override
    public OffsetDateTime convertToDatabaseColumn(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public Instant convertToEntityAttribute(OffsetDateTime column) {
        return column == null ? null : column.toInstant();
    }
}
