/**
 * In-container tests: each class deploys a ShrinkWrap micro-deployment of the services it covers into the managed
 * WildFly or Payara (Arquillian, the profile picks which) and runs its test methods there, on the deployment's beans
 * and the server's datasource, or, for an endpoint, from a client in the test JVM. {@link
 * dev.persona.arquillian.Deployments} holds what every deployment needs. The chat core's test lives in the chat's own
 * package ({@code dev.persona.host.chat.ChatCoreIT}), whose core is package-private.
 */
package dev.persona.arquillian;
