package dev.persona.llama.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;

class LlamaServerClientTest {

    private static URI rootOf(String url) {
        return new LlamaServerClient("test", URI.create(url), null, null, LlamaServerClient.newHttpClient()).base();
    }

    @Test
    void endpointPathsIncludeV1SoABaseUrlMayOrMayNotEndWithIt() {
        assertEquals(URI.create("http://gpu1:8080/"), rootOf("http://gpu1:8080"));
        assertEquals(URI.create("http://gpu1:8080/"), rootOf("http://gpu1:8080/v1/"));
        assertEquals(URI.create("https://llm.example.org/team/"), rootOf("https://llm.example.org/team/v1"));
        assertEquals(URI.create("https://llm.example.org/team/v1/chat/completions"),
                rootOf("https://llm.example.org/team").resolve("v1/chat/completions"));
    }
}
