package dev.persona.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.persona.server.ConfigurationException;

class OpenSslLibrariesTest {

    @TempDir
    Path temp;

    @Test
    void findsOpenSsl3BeforeOneOneAndNeedsBothLibrariesOfAVersionInOneDirectory() throws IOException {
        Path old = Files.createDirectories(temp.resolve("old"));
        Path half = Files.createDirectories(temp.resolve("half"));
        Path current = Files.createDirectories(temp.resolve("current"));
        Files.createFile(old.resolve("libssl.so.1.1"));
        Files.createFile(old.resolve("libcrypto.so.1.1"));
        Files.createFile(half.resolve("libssl.so.3"));
        Files.createFile(current.resolve("libssl.so.3"));
        Files.createFile(current.resolve("libcrypto.so.3"));

        assertEquals(Map.of(OpenSslLibraries.SSL_PROPERTY, current.resolve("libssl.so.3").toString(),
                        OpenSslLibraries.CRYPTO_PROPERTY, current.resolve("libcrypto.so.3").toString()),
                OpenSslLibraries.find(List.of(old, half, current)).orElseThrow());
        assertEquals(old.resolve("libssl.so.1.1").toString(),
                OpenSslLibraries.find(List.of(old, half)).orElseThrow().get(OpenSslLibraries.SSL_PROPERTY));
        assertTrue(OpenSslLibraries.find(List.of(half, temp.resolve("missing"))).isEmpty());
    }

    @Test
    void aSystemWithoutOpenSslStopsTheStartSayingWhatToInstall() {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> OpenSslLibraries.require(List.of(temp)));
        assertTrue(refused.getMessage().contains("apt-get install libssl3"), refused.getMessage());
    }
}
