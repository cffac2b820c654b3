/**
 * Talking to one OpenAI-compatible server over {@link java.net.http.HttpClient}: the streaming chat exchange with
 * its server-sent-events parser, and the llama-server status endpoints. Tokens are parsed and handed on in the
 * thread that delivers the bytes; nothing here queues or switches threads per token.
 */
package dev.persona.llama.http;
