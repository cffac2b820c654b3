package dev.persona.arquillian;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.persona.host.devices.DeviceApproved;
import dev.persona.host.devices.DeviceRevoked;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Keeps the device approvals and revocations the container delivered to observers (in-container). */
@ApplicationScoped
public class DeviceEventsHeard {

    private final List<DeviceApproved> approvals = new CopyOnWriteArrayList<>();
    private final List<DeviceRevoked> revocations = new CopyOnWriteArrayList<>();

    void approved(@Observes DeviceApproved approval) {
        approvals.add(approval);
    }

    void revoked(@Observes DeviceRevoked revocation) {
        revocations.add(revocation);
    }

    public List<DeviceApproved> approvals() {
        return List.copyOf(approvals);
    }

    public List<DeviceRevoked> revocations() {
        return List.copyOf(revocations);
    }
}
