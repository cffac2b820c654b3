package dev.persona.host.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;

import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import org.junit.jupiter.api.Test;

class PairingQrTest {

    private static final String URL = "https://192.168.1.20:8443/client?id=hostid123&invite=abcdefghijkmnpqrstuvwxyz23";

    @Test
    void pngDecodesBackToTheUrl() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(PairingQr.of(URL).toPng(6)));
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText();
        assertEquals(URL, decoded);
    }

    @Test
    void unicodeRenderingHasTwoModulesPerLineAndAllModules() {
        PairingQr qr = PairingQr.of(URL);
        String[] lines = qr.toUnicode().split("\n");
        assertEquals((qr.size() + 1) / 2, lines.length);
        for (String line : lines) {
            assertEquals(qr.size(), line.length());
        }
        assertTrue(qr.toUnicode().contains("█"));
    }
}
