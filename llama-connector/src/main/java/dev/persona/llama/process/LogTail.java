package dev.persona.llama.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The last lines a process wrote, for the console and for failure messages. Thread-safe. */
final class LogTail {

    /** Longer lines are cut; llama-server's are short, but a binary gone wrong may print anything. */
    static final int MAX_LINE_LENGTH = 2000;

    private static final Pattern ERROR = Pattern.compile("error|failed|cannot|can't|couldn't|unable|invalid",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ERROR_WITH_REASON = Pattern.compile("\\berror\\b[^:]*: \\S", Pattern.CASE_INSENSITIVE);
    /** llama.cpp's log prefix: elapsed time and level, e.g. {@code 0.00.012.599 E }. */
    private static final Pattern LLAMA_PREFIX = Pattern.compile("^\\d+\\.\\d+\\.\\d+\\.\\d+ [A-Z] +");

    private final int capacity;
    private final ArrayDeque<String> lines;

    LogTail(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE_LENGTH ? line.substring(0, MAX_LINE_LENGTH) + "…" : line);
    }

    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /**
     * The line that best explains a failure, without llama-server's time and level prefix: the latest line with
     * the most telling kind of message — llama.cpp's "error loading model: …" (why a model did not load), then
     * any "error …: reason", then anything mentioning a failure (its last line is often just "exiting due to model
     * loading error"), then the last line that is not blank; {@code null} if there is none.
     */
    synchronized String tellingLine() {
        String best = null;
        int bestScore = -1;
        var iterator = lines.descendingIterator();
        while (iterator.hasNext() && bestScore < 3) {
            String line = LLAMA_PREFIX.matcher(iterator.next().strip()).replaceFirst("");
            if (line.isEmpty()) {
                continue;
            }
            int score = line.contains("error loading model:") ? 3 : ERROR_WITH_REASON.matcher(line).find() ? 2
                    : ERROR.matcher(line).find() ? 1 : 0;
            if (score > bestScore) {
                best = line;
                bestScore = score;
            }
        }
        return best;
    }
}
