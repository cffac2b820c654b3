/**
 * In-container tests: each class deploys a ShrinkWrap micro-deployment of the services it covers into the managed
 * WildFly or Payara (Arquillian, the profile picks which) and runs its test methods there, on the deployment's beans
 * and the server's datasource. {@link dev.persona.arquillian.Deployments} holds what every deployment needs.
 */
package dev.persona.arquillian;
