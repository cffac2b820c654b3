package dev.persona.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import dev.persona.testkit.owner.OwnerActionsServlet;

/**
 * The owner's hand in tests: deploys {@link OwnerActionsServlet} as {@code owner-test.war} beside the EAR of a
 * running test host (WildFly's deployment scanner takes it), then mints invites, approves, revokes and rotates
 * through it over HTTPS that trusts only the host's CA.
 */
public final class OwnerDesk {

    private static final String WAR = "owner-test.war";
    private final PersonaHost host;
    private final HttpClient http;

    private OwnerDesk(PersonaHost host) throws Exception {
        this.host = host;
        this.http = HttpClient.newBuilder().sslContext(host.trustingOnlyTheHostCa())
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Deploys the servlet into the running host and waits until WildFly says it is deployed. */
    public static OwnerDesk deployInto(PersonaHost host) throws Exception {
        Path deployments = host.dataDirectory.resolve("server/deployments");
        Path marker = deployments.resolve(WAR + ".deployed");
        Path failed = deployments.resolve(WAR + ".failed");
        Files.deleteIfExists(marker);
        Files.deleteIfExists(failed);
        Path staged = Files.createTempFile("owner-test", ".war");
        writeWar(staged);
        Files.move(staged, deployments.resolve(WAR), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.exists(marker)) {
            if (Files.exists(failed)) {
                throw new AssertionError("owner-test.war failed to deploy: " + Files.readString(failed));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("owner-test.war was not deployed within 120 s:\n" + host.serverLogTail());
            }
            Thread.sleep(100);
        }
        return new OwnerDesk(host);
    }

    /** The servlet's classes, and a manifest that gives it the EAR's classes (services, key ids). */
    private static void writeWar(Path war) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Dependencies", "deployment.persona.ear, "
                + "deployment.persona.ear.persona-ejb.jar");
        Path location;
        try {
            // The kit's own classes hold the servlet's package; loading the servlet here would need the Servlet API.
            location = Path.of(OwnerDesk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        // The test kit's classes directory (a build of the reactor), or its jar.
        try (FileSystem kitJar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
             OutputStream file = Files.newOutputStream(war);
             JarOutputStream jar = new JarOutputStream(file, manifest);
             Stream<Path> files = Files.list((kitJar == null ? location : kitJar.getPath("/"))
                     .resolve("dev/persona/testkit/owner"))) {
            Path classes = kitJar == null ? location : kitJar.getPath("/");
            for (Path classFile : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                jar.putNextEntry(new JarEntry("WEB-INF/classes/" + classes.relativize(classFile).toString()
                        .replace('\\', '/')));
                jar.write(Files.readAllBytes(classFile));
                jar.closeEntry();
            }
        }
    }

    /** A new one-time invite of the first persona. */
    public String invite() throws Exception {
        return post("invite");
    }

    /** A new one-time invite of the first persona that expires after {@code validity}. */
    public String invite(Duration validity) throws Exception {
        return post("invite?validSeconds=" + validity.toSeconds());
    }

    public void approve(String deviceKeyId) throws Exception {
        post("approve?device=" + deviceKeyId);
    }

    public void revoke(String deviceKeyId) throws Exception {
        post("revoke?device=" + deviceKeyId);
    }

    /**
     * The approval code the owner compares for a phone (docs/identity.md, "Fingerprints"), computed here on its own:
     * the first 16 bytes of SHA-256 of the phone's public key, hex, in groups of four.
     */
    public static String approvalCode(String deviceKeyId) throws Exception {
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(dev.persona.signaling.identity.KeyId.parse(deviceKeyId).publicKey()), 0, 16);
        return String.join(" ", hex.split("(?<=\\G.{4})"));
    }

    /** Rotates the first persona's key; the old one stays valid for {@code grace}. Returns the new key id. */
    public String rotate(Duration grace) throws Exception {
        return post("rotate?graceSeconds=" + grace.toSeconds());
    }

    private String post(String action) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + host.httpsPort + "/owner-test/" + action)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("owner action " + action + " failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return response.body();
    }
}
