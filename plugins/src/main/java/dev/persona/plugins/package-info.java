/**
 * Tool plugins: WebAssembly modules (WASI command modules built from the Rust sources in {@code plugins/rust}) that
 * run inside the JVM with Chicory, compiled to bytecode once per plugin and instantiated afresh for every call.
 * Each call has a time limit, a memory limit, an output limit, and sees only its persona's folder (preopened as
 * {@code /}), with a write quota and no links. {@link dev.persona.plugins.PluginRuntime} holds the bundled plugins
 * and their runner for an application's lifetime; persona-ejb's {@code dev.persona.host.tools} gives it the
 * container's threads and the owner's limits and decides which persona may call what. The call interface is
 * described in docs/plugins.md.
 */
package dev.persona.plugins;
