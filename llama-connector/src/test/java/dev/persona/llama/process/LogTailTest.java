package dev.persona.llama.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class LogTailTest {

    private static LogTail of(String... lines) {
        LogTail tail = new LogTail(100);
        for (String line : lines) {
            tail.add(line);
        }
        return tail;
    }

    @Test
    void keepsTheLastLines() {
        LogTail tail = new LogTail(2);
        tail.add("a");
        tail.add("b");
        tail.add("c");
        assertEquals(List.of("b", "c"), tail.lines());
    }

    @Test
    void cutsEndlessLines() {
        LogTail tail = of("x".repeat(5000));
        assertEquals(LogTail.MAX_LINE_LENGTH + 1, tail.lines().get(0).length());
    }

    @Test
    void explainsAModelThatDidNotLoad() {
        LogTail tail = of(
                "0.00.012.477 E llama_model_load_from_file_impl: failed to load model",
                "0.00.012.548 E common_fit_params: encountered an error while trying to fit params to free device"
                        + " memory: failed to load model",
                "0.00.012.599 E llama_model_load: error loading model: error loading model hyperparameters: key not"
                        + " found in model: llama.embedding_length",
                "0.00.012.600 E llama_model_load_from_file_impl: failed to load model",
                "0.00.012.602 E srv    load_model: failed to load model, '/tmp/incomplete.gguf'",
                "0.00.012.604 I srv    operator(): operator(): cleaning up before exit...",
                "0.00.014.018 E srv  llama_server: exiting due to model loading error");
        assertEquals("llama_model_load: error loading model: error loading model hyperparameters: key not found in"
                + " model: llama.embedding_length", tail.tellingLine());
    }

    @Test
    void prefersAnErrorWithItsReason() {
        LogTail tail = of("start", "0.00.001.000 E srv    init: error: couldn't bind HTTP server socket, port: 8080",
                "0.00.001.001 I srv    operator(): cleaning up before exit...", "exiting due to error");
        assertEquals("srv    init: error: couldn't bind HTTP server socket, port: 8080", tail.tellingLine());
    }

    @Test
    void fallsBackToTheLastLine() {
        assertEquals("loading forever", of("loading forever", "  ").tellingLine());
        assertNull(of().tellingLine());
    }
}
