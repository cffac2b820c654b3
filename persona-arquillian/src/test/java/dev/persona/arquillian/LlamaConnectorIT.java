package dev.persona.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.persona.llama.BackendState;
import dev.persona.llama.BackendStatus;
import dev.persona.llama.ChatCompletion;
import dev.persona.llama.ChatListener;
import dev.persona.llama.ChatRequest;
import dev.persona.llama.LlamaConnection;
import dev.persona.llama.LlamaConnectionFactory;
import dev.persona.llama.LlamaException;
import dev.persona.models.TinyModelGenerator;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The resource adapter in the container: the llama connector's RAR as the build made it (its ironjacamar.xml reads
 * the {@code persona.llama.*} system properties, which arquillian.xml gives the server: the tiny test model, one
 * slot, a port range of the tests' own; the llama-server build of scripts/build-llama-server.sh in the cache), beside
 * a WAR in an EAR as in the product; one completion streams through the connection factory at
 * {@link LlamaConnectionFactory#LOOKUP} from a real llama-server process.
 * WildFly only: on Payara the adapter's settings must be the domain's {@code resource-adapter-config} before the
 * application deploys ({@code PayaraDomain} writes them for the product). Tried on the bare test domain: in the test
 * EAR's glassfish-resources.xml they are applied after the adapter started, Payara restarts it, and the application's
 * connector pool keeps the first, stopped instance ("the llama resource adapter is not started"); asadmin cannot set
 * them first, since Arquillian builds the deployment before it starts the server.
 */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "persona.arq.container", matches = "payara",
        disabledReason = "the adapter's settings on Payara must be the domain's resource-adapter-config before the "
                + "deployment (PayaraDomain writes them for ./persona start); a bare test domain has none, and in "
                + "the test EAR's glassfish-resources.xml they restart the adapter after its pool bound to it")
class LlamaConnectorIT {

    /** Generous: the tiny model loads in a second on a quiet machine, much longer on a loaded one. */
    private static final long READY_SECONDS = 240;

    @Deployment
    static EnterpriseArchive deployment() throws IOException, InterruptedException {
        tinyModel();
        ResourceAdapterArchive rar = ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class,
                new File(System.getProperty("persona.arq.llama.rar")));
        WebArchive war = ShrinkWrap.create(WebArchive.class, "llama-test.war").addClass(LlamaConnectorIT.class);
        return ShrinkWrap.create(EnterpriseArchive.class, "llama.ear").addAsModule(rar).addAsModule(war);
    }

    /** The tiny model in the data directory's models folder, where the connector looks up a relative name. */
    private static void tinyModel() throws IOException, InterruptedException {
        Path model = Path.of(System.getProperty("persona.arq.data")).resolve("models/persona-tiny.gguf");
        if (Files.isRegularFile(model)) {
            return;
        }
        Path script = Path.of(System.getProperty("persona.repository")).resolve("scripts/build-llama-server.sh");
        Process process = new ProcessBuilder(script.toString(), "--source-dir")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(script + " --source-dir failed (above)");
        }
        List<String> lines = output.lines().toList();
        Path vocabulary = Path.of(lines.get(lines.size() - 1).strip()).resolve("models/ggml-vocab-phi-3.gguf");
        Files.createDirectories(model.getParent());
        TinyModelGenerator.generate(vocabulary, model, TinyModelGenerator.DEFAULT_SEED);
    }

    @Test
    void oneCompletionStreamsThroughTheConnectionFactory() throws Exception {
        LlamaConnectionFactory factory = InitialContext.doLookup(LlamaConnectionFactory.LOOKUP);
        awaitReady(factory);
        List<String> tokens = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatCompletion> completed = new CompletableFuture<>();
        try (LlamaConnection connection = factory.getConnection()) {
            assertEquals(1, connection.poolSettings().parallelSlots(), "the settings arquillian.xml gave");
            connection.streamChat(ChatRequest.ofUserMessage("Hello").withMaxTokens(8).withIgnoreEos(true)
                            .withSeed(7L),
                    new ChatListener() {
                        @Override
                        public void onToken(String text) {
                            tokens.add(text);
                        }

                        @Override
                        public void onComplete(ChatCompletion completion) {
                            completed.complete(completion);
                        }

                        @Override
                        public void onError(LlamaException error) {
                            completed.completeExceptionally(error);
                        }
                    });
        }
        ChatCompletion completion = completed.get(READY_SECONDS, TimeUnit.SECONDS);
        assertFalse(tokens.isEmpty(), "tokens streamed before the end");
        assertEquals(String.join("", tokens), completion.content(), "the streamed tokens are the answer");
        assertEquals(8, completion.usage().completionTokens(), "the 8 tokens asked for, end of text ignored");
    }

    /** Waits until a llama-server process of the pool is READY (it loads the model after the deployment). */
    private static void awaitReady(LlamaConnectionFactory factory) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        List<BackendStatus> backends = List.of();
        while (System.nanoTime() < deadline) {
            try (LlamaConnection connection = factory.getConnection()) {
                backends = connection.backends();
            }
            if (backends.stream().anyMatch(b -> b.state() == BackendState.READY)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no llama-server ready within " + READY_SECONDS + " s: " + backends);
    }
}
