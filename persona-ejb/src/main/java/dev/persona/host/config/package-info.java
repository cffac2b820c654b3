/**
 * Where the host keeps its data and how phones reach it ({@link dev.persona.host.config.HostConfiguration}), read
 * through server-config's {@code ConfiguredSettings}. {@link dev.persona.host.config.SettingValues} is the older
 * reader that only the host peer's settings still use; they move to module persona-peer (issue 19, item 1), which
 * reads through module {@code settings} like everything else.
 */
package dev.persona.host.config;
