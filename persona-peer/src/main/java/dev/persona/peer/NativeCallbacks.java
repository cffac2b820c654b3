package dev.persona.peer;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;

/**
 * The webrtc-java callbacks every peer in this project needs (the host's {@link WebRtcSession} and the Java phones of
 * the tests), and the Java phones' teardown ({@link #close}), written once. webrtc-java calls the callbacks on its
 * native signaling thread, which must never wait for a lock the caller holds; so each one only copies what the call
 * lends and hands the work to the peer's own executor.
 */
public final class NativeCallbacks {

    /**
     * A data channel message, copied out of the buffer webrtc-java reuses after the call, with when it arrived
     * ({@link System#nanoTime()} on the native thread, before any queueing).
     */
    @FunctionalInterface
    public interface FrameHandler {
        void frame(long arrivedNanos, byte[] frame, boolean binary);
    }

    private NativeCallbacks() {
    }

    /** After {@code setLocalDescription}/{@code setRemoteDescription}: {@code next} or {@code failed} on {@code events}. */
    public static SetSessionDescriptionObserver whenSet(Executor events, Runnable next, Consumer<String> failed) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                events.execute(next);
            }

            @Override
            public void onFailure(String error) {
                events.execute(() -> failed.accept(error));
            }
        };
    }

    /** Copies the frame out of {@code buffer} on the calling (native) thread, then hands it to {@code handler}. */
    public static void copyFrame(RTCDataChannelBuffer buffer, Executor events, FrameHandler handler) {
        long arrived = System.nanoTime();
        byte[] frame = new byte[buffer.data.remaining()];
        buffer.data.get(frame);
        boolean binary = buffer.binary;
        events.execute(() -> handler.frame(arrived, frame, binary));
    }

    /**
     * A data channel observer for a peer that has nothing to do when the send queue drains (the Java phones:
     * webrtc-java 0.14 does not report it anyway): state changes and copied frames run on {@code events}.
     */
    public static RTCDataChannelObserver channelObserver(Executor events, Runnable stateChanged,
                                                         FrameHandler frames) {
        return new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
            }

            @Override
            public void onStateChange() {
                events.execute(stateChanged);
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                copyFrame(buffer, events, frames);
            }
        };
    }

    /**
     * A Java phone's teardown, in the order webrtc-java needs: the data channel (its observer unregistered, closed,
     * disposed), then the peer connection. Either may be {@code null} (not opened yet). Disposing a channel that the
     * peer connection still references throws an {@link Error}; our reference is gone all the same, and the peer
     * connection frees the channel when it closes, right after.
     */
    public static void close(RTCDataChannel channel, RTCPeerConnection connection) {
        if (channel != null) {
            channel.unregisterObserver();
            channel.close();
            try {
                channel.dispose();
            } catch (Error stillReferenced) {
                // The peer connection drops its reference when it closes, right below.
            }
        }
        if (connection != null) {
            connection.close();
        }
    }
}
