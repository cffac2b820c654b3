/**
 * The console's owner account: its password exists only as a bcrypt hash in the database, and
 * {@link dev.persona.host.admin.ConsoleAccount#signIn} is the one place that checks it. The first start generates a
 * password and logs it once, unless {@code PERSONA_ADMIN_PASSWORD} sets one. Failed sign-ins in a row lock the
 * address they come from, for longer each time ({@link dev.persona.host.admin.SourceLockout}), never the account.
 */
package dev.persona.host.admin;
