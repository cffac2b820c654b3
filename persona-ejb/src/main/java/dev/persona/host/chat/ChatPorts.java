package dev.persona.host.chat;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What the chat core needs from outside: the model server, the conversations, the admission rules, the reminders,
 * an executor for work that must leave the transport's and the model server's threads, and a clock for the
 * handshake. The container-facing {@link ChatHost} makes them from its beans; tests give fakes.
 */
record ChatPorts(ModelGateway model, ConversationStore conversations, PhoneAdmission admission,
                 ReminderInbox reminders, Executor executor, Clock clock) {

    ChatPorts {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(conversations, "conversations");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(reminders, "reminders");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(clock, "clock");
    }
}
