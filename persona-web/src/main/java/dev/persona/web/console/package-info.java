/**
 * The host console (docs/console.md): Faces views for the dashboard, identity and pairing, devices and sessions,
 * models and the owner's account, behind the FORM login of web.xml. The views only present and call the services
 * of persona-ejb and the llama connector; the decisions are theirs.
 */
package dev.persona.web.console;
