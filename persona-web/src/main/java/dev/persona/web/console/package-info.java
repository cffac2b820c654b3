/**
 * The host console (docs/console.md): Faces views for the dashboard, identity and pairing, devices and sessions,
 * models and the owner's account, behind the sign-in of {@link dev.persona.web.console.ConsoleSignIn} (Jakarta
 * Security). The views only present and call the services of persona-ejb and the llama connector; the decisions are
 * theirs (the password check and the lockout too: {@code ConsoleAccount}).
 */
package dev.persona.web.console;
