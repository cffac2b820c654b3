package dev.persona.llama.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsSamplesAndSkipsCommentsAndGarbage() {
        String text = """
                # HELP llamacpp:prompt_tokens_total Number of prompt tokens processed
                # TYPE llamacpp:prompt_tokens_total counter
                llamacpp:prompt_tokens_total 14
                llamacpp:predicted_tokens_seconds 1505.46
                http_requests{method="GET", path="/a b"} 3 1700000000
                broken_line
                not_a_number abc

                llamacpp:requests_processing 0
                """;
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("llamacpp:prompt_tokens_total", 14.0);
        expected.put("llamacpp:predicted_tokens_seconds", 1505.46);
        expected.put("http_requests{method=\"GET\", path=\"/a b\"}", 3.0);
        expected.put("llamacpp:requests_processing", 0.0);
        assertEquals(expected, PrometheusText.parse(text));
    }
}
