/**
 * The host console (docs/console.md): Faces views for the dashboard, identity and pairing, devices and sessions,
 * models and the owner's account, behind the sign-in of {@link dev.persona.web.console.ConsoleSignIn} (Jakarta
 * Security). The views only present and call the services of persona-ejb (the model files and the llama pool too:
 * {@code ModelLibrary}, {@code LlamaPool}); the decisions are theirs (the password check and the lockout too:
 * {@code ConsoleAccount}). The module depends on neither the models module nor the llama connector (its pom's
 * enforcer rule).
 */
package dev.persona.web.console;
