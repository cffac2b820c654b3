/**
 * What the host writes to its log about what others send it: {@link dev.persona.peer.logs.LogText} makes text from
 * phones and other peers safe for a log line (escaped, cut), and {@link dev.persona.peer.logs.RefusalLog} logs the
 * first refusal of each source and counts the rest into one summary line per interval, so that a flood of bad
 * requests cannot flood the log. The host peer uses both for offers and candidates; persona-ejb's chat uses
 * {@code LogText} for what arrives over the data channel.
 */
package dev.persona.peer.logs;
