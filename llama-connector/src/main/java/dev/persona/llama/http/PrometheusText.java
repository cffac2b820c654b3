package dev.persona.llama.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the samples of a Prometheus text exposition ({@code /metrics}); comments and malformed lines are skipped. */
final class PrometheusText {

    private PrometheusText() {
    }

    /** Sample name, with its labels as written, to value, in the order of the text. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int labelsEnd = line.indexOf('{') >= 0 ? line.indexOf('}') : -1;
            int nameEnd = line.indexOf(' ', Math.max(labelsEnd, 0));
            if (nameEnd <= 0) {
                continue;
            }
            String[] rest = line.substring(nameEnd + 1).strip().split("\\s+");
            try {
                samples.put(line.substring(0, nameEnd), Double.valueOf(rest[0]));
            } catch (NumberFormatException e) {
                // a value this reader does not understand; the other samples are still useful
            }
        }
        return samples;
    }
}
