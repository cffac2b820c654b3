/**
 * What the host writes to its log about what others send it: {@link dev.persona.host.logs.LogText} makes text from
 * phones and other peers safe for a log line (escaped, cut), and {@link dev.persona.host.logs.RefusalLog} logs the
 * first refusal of each source and counts the rest into one summary line per interval, so that a flood of bad
 * requests cannot flood the log.
 */
package dev.persona.host.logs;
