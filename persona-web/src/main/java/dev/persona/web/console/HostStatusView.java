package dev.persona.web.console;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import dev.persona.host.chat.ChatHost;
import dev.persona.host.chat.ConnectionFailures;
import dev.persona.host.devices.PairingInvite;
import dev.persona.host.load.HostLoad;
import dev.persona.host.load.LoadSample;
import dev.persona.host.pool.LlamaPool;
import dev.persona.host.signaling.SignalingHost;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** The dashboard: processes, load, phones, signaling, machine, the phone address. Read once per request. */
@Named
@RequestScoped
public class HostStatusView {

    @Inject
    private LlamaPool pool;

    @EJB
    private HostLoad load;

    @EJB
    private ChatHost chat;

    @Inject
    private SignalingHost signaling;

    @Inject
    private CurrentInvite invite;

    private List<ProcessRow> processes = List.of();
    private String connectorError;
    private int cpuPercent;

    @PostConstruct
    void read() {
        // The JVM measures CPU load between two calls: read it once per page, for the figure and its bar alike.
        double cpu = osBean().getCpuLoad();
        cpuPercent = cpu < 0 ? 0 : (int) Math.round(cpu * 100);
        LlamaPool.Report report = pool.report();
        processes = report.processes().stream().map(ProcessRow::new).toList();
        connectorError = report.error();
    }

    public List<ProcessRow> getProcesses() {
        return processes;
    }

    public String getConnectorError() {
        return connectorError;
    }

    public LoadSample getLoad() {
        return load.latest();
    }

    public String getTokensPerSecond() {
        return String.format(java.util.Locale.ROOT, "%.1f", load.latest().tokensPerSecond());
    }

    public String getChartJson() {
        return LoadChart.json(load.samples());
    }

    public int getConnectedPhones() {
        return chat.liveSessions().list().size();
    }

    public int getRunningTurns() {
        return chat.liveSessions().runningTurns();
    }

    /** Phones that could not connect in the last hour (the dashboard points to the devices page for them). */
    public List<ConnectionFailures.Failure> getRecentConnectionFailures() {
        Instant since = Instant.now().minus(Duration.ofHours(1));
        return chat.connectionFailures().list().stream().filter(failure -> failure.at().isAfter(since)).toList();
    }

    public int getSignalingPeers() {
        return signaling.server().registry().peerCount();
    }

    public int getCpuPercent() {
        return cpuPercent;
    }

    public int getCpus() {
        return osBean().getAvailableProcessors();
    }

    public String getMemoryUsed() {
        OperatingSystemMXBean os = osBean();
        return gib(os.getTotalMemorySize() - os.getFreeMemorySize()) + " of " + gib(os.getTotalMemorySize());
    }

    public int getMemoryPercent() {
        OperatingSystemMXBean os = osBean();
        return (int) Math.round(100.0 * (os.getTotalMemorySize() - os.getFreeMemorySize()) / os.getTotalMemorySize());
    }

    public String getHeapUsed() {
        Runtime runtime = Runtime.getRuntime();
        return mib(runtime.totalMemory() - runtime.freeMemory()) + " of " + mib(runtime.maxMemory());
    }

    public String getPhoneUrl() {
        return invite.phoneUrl();
    }

    public PairingInvite getInvite() {
        return invite.valid();
    }

    private static OperatingSystemMXBean osBean() {
        return (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    static String gib(long bytes) {
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    private static String mib(long bytes) {
        return (bytes / (1024 * 1024)) + " MiB";
    }
}
