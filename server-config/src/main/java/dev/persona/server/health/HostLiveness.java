package dev.persona.server.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the application is deployed; reports heap use so that a leak shows before it kills the host. */
@Liveness
@ApplicationScoped
public class HostLiveness implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return HealthCheckResponse.named("persona-host").up()
                .withData("heapUsedMiB", heap.getUsed() >> 20)
                .withData("heapMaxMiB", heap.getMax() >> 20)
                .build();
    }
}
