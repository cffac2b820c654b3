package dev.persona.signaling.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what the registry delivered; {@link #gone} makes it refuse deliveries like a dead socket. */
final class RecordingSink implements MessageSink {

    final List<SignalingMessage> messages = new CopyOnWriteArrayList<>();
    final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    volatile boolean gone;

    @Override
    public boolean deliver(SignalingMessage message) {
        if (gone) {
            return false;
        }
        messages.add(message);
        return true;
    }

    @Override
    public void disconnected(Disconnect reason) {
        disconnects.add(reason);
    }

    List<MessageType> types() {
        return messages.stream().map(SignalingMessage::type).toList();
    }
}
