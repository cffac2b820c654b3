package dev.persona.bench.plugins;

/**
 * The baseline of the calculator benchmark: the same recursive-descent evaluation as the Rust plugin
 * (+ - * / ^ and parentheses, enough for the benchmark's expression), in plain Java.
 */
final class PlainCalculator {

    private final String text;
    private int at;

    private PlainCalculator(String text) {
        this.text = text;
    }

    static double evaluate(String expression) {
        PlainCalculator parser = new PlainCalculator(expression);
        double value = parser.sum();
        parser.skipSpaces();
        if (parser.at != expression.length()) {
            throw new IllegalArgumentException("unexpected character at " + (parser.at + 1));
        }
        return value;
    }

    private void skipSpaces() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    private char peek() {
        skipSpaces();
        return at < text.length() ? text.charAt(at) : 0;
    }

    private double sum() {
        double value = product();
        for (char op = peek(); op == '+' || op == '-'; op = peek()) {
            at++;
            double right = product();
            value = op == '+' ? value + right : value - right;
        }
        return value;
    }

    private double product() {
        double value = unary();
        for (char op = peek(); op == '*' || op == '/'; op = peek()) {
            at++;
            double right = unary();
            if (op == '/' && right == 0) {
                throw new ArithmeticException("division by zero");
            }
            value = op == '*' ? value * right : value / right;
        }
        return value;
    }

    private double unary() {
        if (peek() == '-') {
            at++;
            return -unary();
        }
        double base = atom();
        if (peek() == '^') {
            at++;
            return Math.pow(base, unary());
        }
        return base;
    }

    private double atom() {
        if (peek() == '(') {
            at++;
            double value = sum();
            if (peek() != ')') {
                throw new IllegalArgumentException("missing ')'");
            }
            at++;
            return value;
        }
        int start = at;
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        return Double.parseDouble(text.substring(start, at));
    }
}
