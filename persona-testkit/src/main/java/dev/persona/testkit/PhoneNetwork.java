package dev.persona.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A phone on a network of its own, as a real phone on the host's Wi-Fi or another subnet sees the host: three network
 * namespaces made by the test, no shared L2. The host's is the one the test runs in (the failsafe execution
 * {@code loopback-network} gives it one); a router namespace joins the host's subnet {@value #HOST_SUBNET}.0/24 (the
 * host {@value #HOST_ADDRESS}) and the phone's {@value #PHONE_SUBNET}.0/24 (the phone {@value #PHONE_ADDRESS}), and
 * filters what it forwards with nftables ({@link #dropUdp()}, {@link #onlyTcpTo(int)}). The phone's browser runs in
 * the phone's namespace ({@link #chromiumBinary()}); the test's own requests to the host stay in the host's.
 * Needs root (the tests' namespace gives it), {@code ip} (iproute2), {@code nsenter}/{@code unshare} (util-linux)
 * and {@code nft} (nftables).
 */
public final class PhoneNetwork implements AutoCloseable {

    static final String HOST_SUBNET = "10.35.1";
    static final String PHONE_SUBNET = "10.35.2";
    public static final String HOST_ADDRESS = HOST_SUBNET + ".1";
    public static final String PHONE_ADDRESS = PHONE_SUBNET + ".2";
    private static final String ROUTER_HOST_SIDE = HOST_SUBNET + ".2";
    private static final String ROUTER_PHONE_SIDE = PHONE_SUBNET + ".1";
    /** The phone's network card, in its namespace. */
    public static final String PHONE_INTERFACE = "phone0";

    private final Process router;
    private final Process phone;
    private final Path chromium;

    private PhoneNetwork(Process router, Process phone, Path chromium) {
        this.router = router;
        this.phone = phone;
        this.chromium = chromium;
    }

    /** Makes the namespaces, links and routes; forwards everything until a filter is set. */
    public static PhoneNetwork create() throws IOException, InterruptedException {
        for (String tool : List.of("ip", "nsenter", "unshare", "nft")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).exitCode != 0) {
                throw new IllegalStateException("The phone network needs '" + tool + "' (packages iproute2, "
                        + "util-linux, nftables; .ci/run installs them).");
            }
        }
        Process router = namespace();
        Process phone = namespace();
        Path chromium = Files.createTempFile("persona-phone-chromium", ".sh",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        PhoneNetwork network = new PhoneNetwork(router, phone, chromium);
        try {
            Files.writeString(chromium, "#!/bin/sh\nexec nsenter --net=/proc/" + phone.pid()
                    + "/ns/net /usr/lib/chromium/chromium \"$@\"\n", StandardCharsets.UTF_8);
            network.inHost("ip link add host1 type veth peer name router1 netns " + router.pid());
            network.inHost("ip link add router2 netns " + router.pid() + " type veth peer name " + PHONE_INTERFACE
                    + " netns " + phone.pid());
            network.inHost("ip addr add " + HOST_ADDRESS + "/24 dev host1 && ip link set host1 up"
                    + " && ip route add " + PHONE_SUBNET + ".0/24 via " + ROUTER_HOST_SIDE);
            network.inRouter("ip link set lo up && ip addr add " + ROUTER_HOST_SIDE + "/24 dev router1"
                    + " && ip addr add " + ROUTER_PHONE_SIDE + "/24 dev router2"
                    + " && ip link set router1 up && ip link set router2 up"
                    + " && echo 1 > /proc/sys/net/ipv4/ip_forward");
            network.inPhone("ip link set lo up && ip addr add " + PHONE_ADDRESS + "/24 dev " + PHONE_INTERFACE
                    + " && ip link set " + PHONE_INTERFACE + " up && ip route add default via " + ROUTER_PHONE_SIDE);
            network.inRouter("nft add table inet persona && nft add chain inet persona forward"
                    + " '{ type filter hook forward priority 0; policy accept; }'");
            return network;
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** A process that holds a fresh network namespace (only loopback, down) until it is destroyed. */
    private static Process namespace() throws IOException {
        return new ProcessBuilder("unshare", "--net", "sleep", "infinity").redirectErrorStream(true).start();
    }

    /** A Chromium that runs in the phone's namespace (for {@link HeadlessChromium#onPhoneNetwork}). */
    public Path chromiumBinary() {
        return chromium;
    }

    /** The router forwards everything between the subnets. */
    public void allowAll() throws IOException, InterruptedException {
        inRouter("nft flush chain inet persona forward");
    }

    /** The router drops every UDP packet between the subnets (a firewall that lets only TCP through). */
    public void dropUdp() throws IOException, InterruptedException {
        allowAll();
        inRouter("nft add rule inet persona forward meta l4proto udp counter drop");
    }

    /**
     * The router forwards only TCP to the host's {@code port} and its answers: every packet to any other port of
     * the host, the host peer's included, is dropped (a network that lets a phone reach the web page and nothing
     * else of the host).
     */
    public void onlyTcpTo(int port) throws IOException, InterruptedException {
        allowAll();
        inRouter("nft add rule inet persona forward ip daddr " + HOST_ADDRESS + " tcp dport " + port + " accept"
                + " && nft add rule inet persona forward ip saddr " + HOST_ADDRESS + " tcp sport " + port + " accept"
                + " && nft add rule inet persona forward counter drop");
    }

    /** What the router's filter holds now, counters included (for a test's report). */
    public String filter() throws IOException, InterruptedException {
        return inRouter("nft list chain inet persona forward");
    }

    /** Takes the phone's network card down ({@code false}) or up again with its address and route. */
    public void phoneLink(boolean up) throws IOException, InterruptedException {
        if (up) {
            inPhone("ip link set " + PHONE_INTERFACE + " up && ip route replace default via " + ROUTER_PHONE_SIDE);
        } else {
            inPhone("ip link set " + PHONE_INTERFACE + " down");
        }
    }

    private String inHost(String command) throws IOException, InterruptedException {
        return check(List.of("sh", "-c", command));
    }

    private String inRouter(String command) throws IOException, InterruptedException {
        return check(List.of("nsenter", "--net=/proc/" + router.pid() + "/ns/net", "sh", "-c", command));
    }

    private String inPhone(String command) throws IOException, InterruptedException {
        return check(List.of("nsenter", "--net=/proc/" + phone.pid() + "/ns/net", "sh", "-c", command));
    }

    private record Result(int exitCode, String output) {
    }

    private static String check(List<String> command) throws IOException, InterruptedException {
        Result result = run(command);
        if (result.exitCode != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed (" + result.exitCode
                    + "): " + result.output);
        }
        return result.output;
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, output + " (did not finish in 30 s)");
        }
        return new Result(process.exitValue(), output.strip());
    }

    /** Ends the namespaces (their links go with them) and the browser wrapper. */
    @Override
    public void close() throws IOException, InterruptedException {
        router.destroy();
        phone.destroy();
        router.waitFor(10, TimeUnit.SECONDS);
        phone.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(chromium);
    }
}
