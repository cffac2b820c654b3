package dev.persona.llama.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.persona.llama.process.LlamaServerSettings;
import dev.persona.settings.Setting;
import org.junit.jupiter.api.Test;

/**
 * {@code ironjacamar.xml} maps each {@code persona.llama.*} setting onto the adapter's property with an expression
 * that must repeat the default (XML cannot name a Java constant); this holds the copy to the one definition in
 * {@link LlamaServerSettings}.
 */
class IronJacamarDefaultsTest {

    private static final Pattern PROPERTY = Pattern.compile(
            "<config-property name=\"(\\w+)\">\\$\\{(persona\\.llama\\.[a-z.]+):([^}]*)}</config-property>");

    @Test
    void everyAdapterPropertyDefaultsToItsSettingsDefault() throws IOException, IllegalAccessException {
        Map<String, Setting<?>> settings = new HashMap<>();
        for (Field field : LlamaServerSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                Setting<?> setting = (Setting<?>) field.get(null);
                settings.put(setting.name(), setting);
            }
        }
        String xml = Files.readString(Path.of("src/main/rar/META-INF/ironjacamar.xml"));
        String adapterPart = xml.substring(0, xml.indexOf("<connection-definitions>"));
        Matcher property = PROPERTY.matcher(adapterPart);
        int checked = 0;
        while (property.find()) {
            Setting<?> setting = settings.get(property.group(2));
            assertNotNull(setting, property.group(2) + " (" + property.group(1) + ") has no definition in"
                    + " LlamaServerSettings");
            assertEquals(Objects.toString(setting.defaultValue(), ""), property.group(3),
                    "the default of " + property.group(2) + " in ironjacamar.xml");
            checked++;
        }
        assertEquals(settings.size(), checked, "every setting of LlamaServerSettings is mapped in ironjacamar.xml");
    }
}
