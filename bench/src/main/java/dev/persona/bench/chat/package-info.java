/**
 * The chat benchmarks: relay efficiency, 8 phones on 4 slots, the phone page in Chromium, the page's weight, each
 * against its baseline in the same run on one real host ({@link dev.persona.bench.chat.ChatBenchmark}).
 */
package dev.persona.bench.chat;
