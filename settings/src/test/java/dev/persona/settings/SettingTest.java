package dev.persona.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class SettingTest {

    private static final Setting<Integer> PORT = Setting.integer("persona.https.port", 8443, 1, 65535);

    private static SettingSource given(String name, String value) {
        return SettingSource.of(Map.of(name, value));
    }

    @Test
    void aSettingThatIsMissingOrBlankTakesItsDefault() {
        assertEquals(8443, PORT.from(SettingSource.of(Map.of())));
        assertEquals(8443, PORT.from(given("persona.https.port", "  ")));
        assertEquals(Optional.empty(), PORT.given(given("persona.https.port", "")));
    }

    @Test
    void aValueIsStrippedAndParsed() {
        assertEquals(9443, PORT.from(given("persona.https.port", " 9443\n")));
        assertEquals(1, PORT.from(given("persona.https.port", "1")));
        assertEquals(65535, PORT.from(given("persona.https.port", "65535")));
    }

    @Test
    void everyBadValueFailsInOneFormNamingTheSettingTheValueAndWhatIsAccepted() {
        assertRefused(PORT, "70000", "PERSONA_HTTPS_PORT = '70000': expected an integer from 1 to 65535.");
        assertRefused(PORT, "0", "PERSONA_HTTPS_PORT = '0': expected an integer from 1 to 65535.");
        assertRefused(PORT, "port", "PERSONA_HTTPS_PORT = 'port': expected an integer from 1 to 65535.");
        assertRefused(PORT, "99999999999", "PERSONA_HTTPS_PORT = '99999999999': expected an integer from 1 to 65535.");
        assertRefused(PORT, "8443.0", "PERSONA_HTTPS_PORT = '8443.0': expected an integer from 1 to 65535.");
        assertRefused(Setting.wholeNumber("persona.signaling.queued.bytes", 1 << 25, 65_536, 1L << 30), "1000",
                "PERSONA_SIGNALING_QUEUED_BYTES = '1000': expected an integer from 65536 to 1073741824.");
        assertRefused(Setting.flag("persona.signaling.allow.discovery", false), "yes",
                "PERSONA_SIGNALING_ALLOW_DISCOVERY = 'yes': expected true or false.");
        assertRefused(Setting.oneOf("persona.devices.approval", "invite", List.of("invite", "admin")), "owner",
                "PERSONA_DEVICES_APPROVAL = 'owner': expected one of invite, admin.");
    }

    @Test
    void wholeNumbersReachBeyondIntegers() {
        Setting<Long> bytes = Setting.wholeNumber("persona.tools.folder.mib", 64, 0, 1L << 40);
        assertEquals(1L << 40, bytes.from(given("persona.tools.folder.mib", Long.toString(1L << 40))));
    }

    @Test
    void flagsAndChoicesIgnoreCase() {
        Setting<Boolean> flag = Setting.flag("persona.signaling.allow.discovery", false);
        assertTrue(flag.from(given("persona.signaling.allow.discovery", "TRUE")));
        assertFalse(flag.from(SettingSource.of(Map.of())));
        Setting<String> approval = Setting.oneOf("persona.devices.approval", "invite", List.of("invite", "admin"));
        assertEquals("admin", approval.from(given("persona.devices.approval", "Admin")));
    }

    @Test
    void parsedSettingsTakeTheirOwnParserAndMayHaveNoDefault() {
        Setting<Duration> minutes = Setting.parsed("persona.example.minutes", null, "minutes such as 5m",
                text -> text.matches("\\d+m") ? Duration.ofMinutes(Long.parseLong(text.replace("m", ""))) : null);
        assertNull(minutes.from(SettingSource.of(Map.of())));
        assertEquals(Duration.ofMinutes(5), minutes.from(given("persona.example.minutes", "5m")));
        assertRefused(minutes, "5", "PERSONA_EXAMPLE_MINUTES = '5': expected minutes such as 5m.");
    }

    @Test
    void aRequiredSettingThatIsMissingFailsInTheSameForm() {
        Setting<String> url = Setting.parsed("persona.public.url", null, "an https:// address",
                text -> text.startsWith("https://") ? text : null);
        assertEquals("https://192.168.1.20:8443",
                url.required(given("persona.public.url", "https://192.168.1.20:8443")));
        InvalidSettingException missing = assertThrows(InvalidSettingException.class,
                () -> url.required(SettingSource.of(Map.of())));
        assertEquals("PERSONA_PUBLIC_URL = '': expected an https:// address.", missing.getMessage());
    }

    @Test
    void aSecretIsTakenExactlyAsGiven() {
        Setting<String> password = Setting.secret("persona.admin.password");
        assertEquals(" pass word ", password.from(given("persona.admin.password", " pass word ")));
        assertNull(password.from(given("persona.admin.password", "")));
        assertNull(password.from(SettingSource.of(Map.of())));
    }

    @Test
    void aTypedValueIsCheckedAgainstTheSameRangeAndNullMeansTheDefault() {
        assertEquals(443, PORT.require(443));
        assertEquals(8443, PORT.require(null));
        InvalidSettingException refused = assertThrows(InvalidSettingException.class, () -> PORT.require(-1));
        assertEquals("PERSONA_HTTPS_PORT = '-1': expected an integer from 1 to 65535.", refused.getMessage());
        assertEquals("persona.https.port", refused.setting());
    }

    @Test
    void aRuleBetweenSettingsUsesTheSameForm() {
        Setting<Long> max = Setting.wholeNumber("persona.admin.max.lockout.minutes", 1440, 1, 525_600);
        assertEquals("PERSONA_ADMIN_MAX_LOCKOUT_MINUTES = '3': expected at least PERSONA_ADMIN_LOCKOUT_MINUTES (5).",
                max.invalid(3, "at least PERSONA_ADMIN_LOCKOUT_MINUTES (5)").getMessage());
    }

    @Test
    void aDefaultOutsideTheRangeIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("persona.x", 0, 1, 10));
    }

    @Test
    void theEnvironmentNameIsUpperCaseWithUnderscores() {
        assertEquals("PERSONA_LLAMA_CONTEXT_SIZE", Setting.environmentName("persona.llama.context-size"));
        assertEquals("PERSONA_HTTPS_PORT", PORT.environmentName());
    }

    @Test
    void theProcessSourceLetsASystemPropertyWinOverTheEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("persona.https.port", "9443");
        SettingSource.Process process = new SettingSource.Process(properties,
                Map.of("PERSONA_HTTPS_PORT", "7443", "PERSONA_HTTP_PORT", "7080", "HOME", "/root"));
        assertEquals(9443, PORT.from(process));
        assertEquals(Optional.of("7080"), process.text("persona.http.port"));
        assertEquals(Map.of("persona.https.port", "9443", "persona.http.port", "7080"),
                process.allPersonaSettings());
    }

    private static <T> void assertRefused(Setting<T> setting, String value, String message) {
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> setting.from(given(setting.name(), value)));
        assertEquals(message, refused.getMessage());
        assertEquals(setting.name(), refused.setting());
    }
}
