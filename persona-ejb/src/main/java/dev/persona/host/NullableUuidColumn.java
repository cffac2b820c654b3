package dev.persona.host;

import java.util.UUID;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A {@link UUID} column that may be null, written as the UUID itself. Needed for EclipseLink (Payara), whose own
 * UUID conversion fails on null ({@code IllegalArgumentException: Source object is not an instance of
 * java.util.UUID}, EclipseLink 4.0 in Payara 6.2025.9), so that an insert with such a null column failed; Hibernate
 * (WildFly) binds the same UUID as it did without it. Not for identifiers, which Jakarta Persistence never converts.
 */
@Converter
public class NullableUuidColumn implements AttributeConverter<UUID, UUID> {

    @Override
    public UUID convertToDatabaseColumn(UUID value) {
        return value;
    }

    @Override
    public UUID convertToEntityAttribute(UUID column) {
        return column;
    }
}
