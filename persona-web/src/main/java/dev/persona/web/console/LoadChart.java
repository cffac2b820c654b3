package dev.persona.web.console;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.persona.host.load.LoadSample;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/** The dashboard's chart of tokens per second and queue length, as the Chart.js configuration p:chart takes. */
final class LoadChart {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private LoadChart() {
    }

    static String json(List<LoadSample> samples) {
        JsonArrayBuilder labels = Json.createArrayBuilder();
        JsonArrayBuilder tokens = Json.createArrayBuilder();
        JsonArrayBuilder queue = Json.createArrayBuilder();
        for (LoadSample sample : samples) {
            labels.add(TIME.format(sample.at()));
            tokens.add(Math.round(sample.tokensPerSecond() * 10) / 10.0);
            queue.add(sample.queue());
        }
        JsonObjectBuilder data = Json.createObjectBuilder().add("labels", labels).add("datasets",
                Json.createArrayBuilder()
                        .add(dataset("Tokens/s", tokens, "#2563eb", "tokens"))
                        .add(dataset("Queue", queue, "#f59e0b", "queue")));
        JsonObjectBuilder options = Json.createObjectBuilder()
                .add("animation", false)
                .add("maintainAspectRatio", false)
                .add("interaction", Json.createObjectBuilder().add("mode", "index").add("intersect", false))
                .add("plugins", Json.createObjectBuilder().add("legend",
                        Json.createObjectBuilder().add("position", "bottom")))
                .add("scales", Json.createObjectBuilder()
                        .add("x", Json.createObjectBuilder().add("ticks",
                                Json.createObjectBuilder().add("maxTicksLimit", 6).add("autoSkip", true)))
                        .add("tokens", Json.createObjectBuilder().add("type", "linear").add("position", "left")
                                .add("beginAtZero", true)
                                .add("title", Json.createObjectBuilder().add("display", true).add("text", "tokens/s")))
                        .add("queue", Json.createObjectBuilder().add("type", "linear").add("position", "right")
                                .add("beginAtZero", true).add("suggestedMax", 4)
                                .add("grid", Json.createObjectBuilder().add("drawOnChartArea", false))
                                .add("ticks", Json.createObjectBuilder().add("precision", 0))
                                .add("title", Json.createObjectBuilder().add("display", true).add("text", "waiting"))));
        return Json.createObjectBuilder().add("type", "line").add("data", data).add("options", options).build()
                .toString();
    }

    private static JsonObjectBuilder dataset(String label, JsonArrayBuilder values, String colour, String axis) {
        return Json.createObjectBuilder().add("label", label).add("data", values).add("borderColor", colour)
                .add("backgroundColor", colour + "33").add("fill", true).add("tension", 0.3).add("pointRadius", 0)
                .add("borderWidth", 2).add("yAxisID", axis);
    }
}
