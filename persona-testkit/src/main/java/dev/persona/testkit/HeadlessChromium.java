package dev.persona.testkit;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium (Debian's, driven by its chromedriver) set up for WebRTC on loopback as
 * shared/notes/browser-testing.md describes, or as a phone has it on a {@link PhoneNetwork}; trusting the key of one
 * host's HTTPS certificate and nothing else it would not trust anyway.
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /**
     * A fresh browser with its own profile and an 800 x 600 window. {@code mediaOrigin} gets the microphone
     * permission, without which Chromium hides local addresses from WebRTC and gathers no loopback candidates.
     */
    public static ChromeDriver start(PersonaHost host, String profile, String mediaOrigin) throws Exception {
        return start(host, profile, 800, 600, mediaOrigin);
    }

    /**
     * A fresh browser with its own profile and a window of {@code width} x {@code height}, trusting the host's
     * server certificate. With a {@code mediaOrigin} it can make WebRTC connections over loopback (that origin
     * gets the microphone permission, without which Chromium hides local addresses from WebRTC); with null it is
     * a plain browser (the console's).
     */
    public static ChromeDriver start(PersonaHost host, String profile, int width, int height, String mediaOrigin)
            throws Exception {
        ChromeOptions options = options(host, profile, width, height);
        options.setBinary("/usr/bin/chromium");
        if (mediaOrigin != null) {
            options.addArguments("--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream");
        }
        ChromeDriver driver = new ChromeDriver(driverService(), options);
        if (mediaOrigin != null) {
            driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", mediaOrigin,
                    "permissions", List.of("audioCapture")));
        }
        return driver;
    }

    /**
     * A browser as a phone has it, on {@code network}'s phone side: no microphone permission and no loopback flag
     * (so WebRTC offers mDNS {@code .local} names for its addresses), a window of a phone's size. Chromium runs in
     * the phone's network namespace; its driver stays in the test's and talks to it over a pipe, not over a port.
     */
    public static ChromeDriver onPhoneNetwork(PersonaHost host, String profile, PhoneNetwork network)
            throws Exception {
        ChromeOptions options = options(host, profile, 420, 860);
        options.setBinary(network.chromiumBinary().toString());
        options.addArguments("--remote-debugging-pipe");
        return new ChromeDriver(driverService(), options);
    }

    private static ChromeDriverService driverService() {
        return new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
    }

    private static ChromeOptions options(PersonaHost host, String profile, int width, int height) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createTempDirectory("persona-" + profile),
                "--ignore-certificate-errors-spki-list=" + serverKeyHash(host));
        return options;
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) of the host's server certificate, as Chromium's flag wants it. */
    static String serverKeyHash(PersonaHost host) throws Exception {
        Properties secrets = new Properties();
        secrets.load(new StringReader(Files.readString(host.dataDirectory.resolve("tls/secrets.properties"))));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(host.dataDirectory.resolve("tls/server.p12"))) {
            store.load(in, secrets.getProperty("server.password").toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("persona");
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getPublicKey().getEncoded()));
    }
}
