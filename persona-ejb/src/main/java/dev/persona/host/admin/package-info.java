/**
 * The console's owner account: its password exists only as a bcrypt hash in the database, where WildFly's Elytron
 * JDBC realm ({@code persona-admin}, see server-config's persona.cli) checks the console's form login against it.
 * The first start generates a password and logs it once, unless {@code PERSONA_ADMIN_PASSWORD} sets one. Failed
 * logins in a row lock the account for a while.
 */
package dev.persona.host.admin;
