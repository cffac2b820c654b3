package dev.persona.host.chat;

import java.util.function.BiConsumer;

import dev.persona.peer.PeerSession;
import dev.persona.peer.PeerSessionListener;
import dev.persona.peer.SessionClosed;

/**
 * Carries one {@link PhoneSession} over the host peer's data channel: what the channel hears goes to the session,
 * what the session sends goes out on the channel. The only place where the chat meets the host peer's sessions.
 */
final class PeerTransport implements PeerSessionListener {

    private final PhoneSession session;
    private final BiConsumer<String, SessionClosed> closedWith;

    /** @param closedWith told the phone's id and how its session ended, before the session hears it closed */
    PeerTransport(PhoneSession session, BiConsumer<String, SessionClosed> closedWith) {
        this.session = session;
        this.closedWith = closedWith;
    }

    @Override
    public void onOpen(PeerSession peer) {
        session.opened(new PhoneChannel() {
            @Override
            public boolean send(String frame) {
                return peer.send(frame);
            }

            @Override
            public void proven(boolean admitted) {
                peer.proven(admitted);
            }

            @Override
            public LiveSessions.Transport transport() {
                return LiveSessions.Transport.DATA_CHANNEL;
            }

            @Override
            public void close() {
                peer.close();
            }
        });
    }

    @Override
    public void onText(PeerSession peer, String message) {
        session.received(message);
    }

    @Override
    public void onBinary(PeerSession peer, byte[] message) {
        session.receivedBinary();
    }

    @Override
    public void onRejectedMessage(PeerSession peer, boolean tooLarge, String reason) {
        session.rejected(tooLarge, reason);
    }

    @Override
    public void onClose(PeerSession peer, SessionClosed closed) {
        closedWith.accept(session.phoneId(), closed);
        session.closed();
    }
}
