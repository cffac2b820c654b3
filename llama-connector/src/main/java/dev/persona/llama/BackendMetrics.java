package dev.persona.llama;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Prometheus metrics of one backend ({@code /metrics}; llama-server runs with {@code --metrics}), e.g.
 * {@code llamacpp:tokens_predicted_total} or {@code llamacpp:requests_processing}.
 *
 * @param backend the backend
 * @param values  sample name (with its labels, if any) to value, in the server's order
 */
public record BackendMetrics(String backend, Map<String, Double> values) {

    public BackendMetrics {
        values = Map.copyOf(values);
    }

    public OptionalDouble value(String name) {
        Double value = values.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
