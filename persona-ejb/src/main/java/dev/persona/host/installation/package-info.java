/**
 * The record of this installation: an id made at the first start and a count of starts, kept in the database.
 * It proves at every start (and in the readiness check) that the database is the same one as before.
 */
package dev.persona.host.installation;
