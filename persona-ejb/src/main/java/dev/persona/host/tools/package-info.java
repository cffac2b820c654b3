/**
 * Tools for the model: which plugins each persona may use ({@link dev.persona.host.tools.PersonaTools}, the
 * console's service), running a call in the persona's sandbox and recording it ({@link
 * dev.persona.host.tools.ToolExecutor}), the tool-call loop of one answer ({@link dev.persona.host.tools.ToolLoop}),
 * and reminders that the scheduler plugin creates and the container's timer service fires ({@link
 * dev.persona.host.tools.Reminders}, {@link dev.persona.host.tools.ReminderClock}). docs/plugins.md describes them.
 */
package dev.persona.host.tools;
