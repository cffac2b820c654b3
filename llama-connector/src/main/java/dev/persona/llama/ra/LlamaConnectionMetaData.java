package dev.persona.llama.ra;

import jakarta.resource.spi.ManagedConnectionMetaData;

/** What the container shows about a llama managed connection. */
final class LlamaConnectionMetaData implements ManagedConnectionMetaData {

    @Override
    public String getEISProductName() {
        return "llama.cpp llama-server";
    }

    @Override
    public String getEISProductVersion() {
        return "OpenAI-compatible chat completions";
    }

    /** No limit from the connector: requests beyond the slots wait in the servers' queues. */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public String getUserName() {
        return "";
    }
}
