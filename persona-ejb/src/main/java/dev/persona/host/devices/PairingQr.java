package dev.persona.host.devices;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import javax.imageio.ImageIO;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * The pairing URL as a QR code (zxing): a PNG for the console and Unicode half blocks for the server log, two
 * modules per character so it stays square in a terminal.
 */
public final class PairingQr {

    private static final int QUIET_ZONE = 2;
    private final BitMatrix matrix;

    private PairingQr(BitMatrix matrix) {
        this.matrix = matrix;
    }

    public static PairingQr of(String text) {
        try {
            return new PairingQr(new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, QUIET_ZONE)));
        } catch (WriterException e) {
            throw new IllegalArgumentException("Cannot encode a QR code for " + text.length() + " characters", e);
        }
    }

    /** Modules per side, quiet zone included. */
    public int size() {
        return matrix.getWidth();
    }

    public boolean dark(int x, int y) {
        return matrix.get(x, y);
    }

    /**
     * Light-on-dark terminals are the norm, so dark modules are printed as spaces and light ones as blocks;
     * phones read the inverted code as well.
     */
    public String toUnicode() {
        StringBuilder out = new StringBuilder();
        for (int y = 0; y < size(); y += 2) {
            for (int x = 0; x < size(); x++) {
                boolean top = !dark(x, y);
                boolean bottom = y + 1 < size() && !dark(x, y + 1);
                out.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A black-on-white PNG with {@code scale} pixels per module. */
    public byte[] toPng(int scale) {
        int pixels = size() * scale;
        BufferedImage image = new BufferedImage(pixels, pixels, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < pixels; y++) {
            for (int x = 0; x < pixels; x++) {
                image.setRGB(x, y, dark(x / scale, y / scale) ? 0x000000 : 0xFFFFFF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
