package dev.persona.bench;

import java.util.Arrays;

/** A set of measurements and its order statistics (nearest-rank percentiles). */
public final class Samples {

    private final double[] sorted;

    private Samples(double[] values) {
        sorted = values.clone();
        Arrays.sort(sorted);
    }

    public static Samples of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        return new Samples(values);
    }

    public static Samples of(long[] values, int count, double scale) {
        double[] scaled = new double[count];
        for (int i = 0; i < count; i++) {
            scaled[i] = values[i] * scale;
        }
        return of(scaled);
    }

    /** The {@code p}-th percentile, 0 to 100, by nearest rank. */
    public double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    public double median() {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    public double mean() {
        double sum = 0;
        for (double value : sorted) {
            sum += value;
        }
        return sum / sorted.length;
    }

    public int count() {
        return sorted.length;
    }
}
