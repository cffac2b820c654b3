package dev.persona.web.delivery;

import java.util.Locale;

/**
 * The forms a precompressed file is kept in, and which of them a request's {@code Accept-Encoding} (RFC 9110,
 * section 12.5.3) lets the host send: the one with the highest weight, brotli before gzip at equal weight, the file as
 * it is when neither is acceptable. A coding with {@code q=0} is refused; {@code *} stands for every coding the header
 * does not name.
 */
public enum ContentCoding {
    BROTLI("br", ".br"),
    GZIP("gzip", ".gz"),
    IDENTITY(null, "");

    /** The {@code Content-Encoding} value; null for the file as it is. */
    public final String token;
    /** What the build appends to the file's name for this form. */
    public final String suffix;

    ContentCoding(String token, String suffix) {
        this.token = token;
        this.suffix = suffix;
    }

    /** The form to send for this {@code Accept-Encoding} header (null when the request had none). */
    public static ContentCoding choose(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) {
            return IDENTITY;
        }
        double brotli = weight(acceptEncoding, "br");
        double gzip = weight(acceptEncoding, "gzip");
        if (brotli > 0 && brotli >= gzip) {
            return BROTLI;
        }
        return gzip > 0 ? GZIP : IDENTITY;
    }

    /** The weight the header gives the coding: its own entry's, else the {@code *} entry's, else 0. */
    static double weight(String acceptEncoding, String coding) {
        double wildcard = 0;
        for (String entry : acceptEncoding.split(",")) {
            String[] parts = entry.split(";");
            if (parts.length == 0) {
                continue;
            }
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            if (name.equals(coding) || coding.equals("gzip") && name.equals("x-gzip")) {
                return q;
            }
            if (name.equals("*")) {
                wildcard = q;
            }
        }
        return wildcard;
    }

    /** The {@code q} parameter of one entry, 1 when it has none, 0 when it is not a number in [0, 1]. */
    private static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.length() > 1 && Character.toLowerCase(parameter.charAt(0)) == 'q'
                    && parameter.substring(1).trim().startsWith("=")) {
                try {
                    double q = Double.parseDouble(parameter.substring(parameter.indexOf('=') + 1).trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
