/**
 * The one way every module reads its settings: a {@link dev.persona.settings.Setting} names a setting once, with
 * its default and what it accepts; a {@link dev.persona.settings.SettingSource} gives the raw text (system
 * properties and environment variables before the server runs, MicroProfile Config in it, a map in tests); a bad
 * value fails with one {@link dev.persona.settings.InvalidSettingException} in one form,
 * {@code PERSONA_HTTPS_PORT = '70000': expected an integer from 1 to 65535.} JDK only, so that the bootstrap, the
 * resource adapter, signaling and the application may all depend on it.
 */
package dev.persona.settings;
