/**
 * What applications see of the llama connector: inject a {@link dev.persona.llama.LlamaConnectionFactory} with
 * {@code @Resource(lookup = "java:/eis/llama")}, open a {@link dev.persona.llama.LlamaConnection} and stream chat
 * answers, cancel them, and read the state of the llama-server processes or external servers behind it.
 * Nothing here knows phones, devices or WebRTC; the implementation lives in the sub-packages.
 */
package dev.persona.llama;
