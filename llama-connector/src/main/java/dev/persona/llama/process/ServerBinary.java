package dev.persona.llama.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

import dev.persona.settings.Setting;

/**
 * Finds the llama-server executable: the {@code serverBinary} setting if given (e.g. a user's own CUDA build), else
 * the newest build of {@code scripts/build-llama-server.sh} in its cache ({@code $PERSONA_CACHE}, default
 * {@code ~/.cache/persona}, as {@code llama-<commit>-<flavor>/bin/llama-server}), else {@code llama-server} on the
 * {@code PATH}. The one found must run {@code --version}, which catches missing shared libraries at deployment.
 */
final class ServerBinary {

    private static final Setting<String> SETTING = LlamaServerSettings.SERVER_BINARY;
    private static final String NAME = "llama-server";

    private ServerBinary() {
    }

    /** The executable to run, checked. */
    static Path resolve(String configured) {
        Path binary;
        if (configured != null && !configured.isBlank()) {
            binary = Path.of(configured.strip()).toAbsolutePath().normalize();
            if (!Files.exists(binary)) {
                throw SETTING.invalid(binary, "the path of an existing llama-server executable, or nothing for the one"
                        + " scripts/build-llama-server.sh builds");
            }
        } else {
            binary = findInCache();
            if (binary == null) {
                binary = findOnPath();
            }
            if (binary == null) {
                throw SETTING.invalid("", "the path of a llama-server, since none was found in " + cacheRoot()
                        + " or on the PATH (or run scripts/build-llama-server.sh)");
            }
        }
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw SETTING.invalid(binary, "an executable file");
        }
        checkRuns(binary);
        return binary;
    }

    private static Path cacheRoot() {
        String configured = System.getenv("PERSONA_CACHE");
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "persona") : Path.of(configured);
    }

    /** The most recently built {@code llama-*}{@code /bin/llama-server} of the build script's cache. */
    private static Path findInCache() {
        Path newest = null;
        FileTime newestTime = null;
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(cacheRoot(), "llama-*")) {
            for (Path build : builds) {
                Path candidate = build.resolve("bin").resolve(NAME);
                if (Files.isExecutable(candidate)) {
                    FileTime time = Files.getLastModifiedTime(candidate);
                    if (newestTime == null || time.compareTo(newestTime) > 0) {
                        newest = candidate;
                        newestTime = time;
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return newest;
    }

    private static Path findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, NAME);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Runs {@code --version}; its output is small enough to wait in the pipe until the process has exited. */
    private static void checkRuns(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw SETTING.invalid(binary, "a llama-server; --version did not finish within 30 s");
            }
            if (process.exitValue() != 0) {
                String text = new String(process.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
                throw SETTING.invalid(binary, "a llama-server that runs; --version failed with exit status "
                        + process.exitValue() + (text.isEmpty() ? "" : ": " + lastLine(text))
                        + ". Rebuild it (scripts/build-llama-server.sh) or point to a working build");
            }
        } catch (IOException e) {
            throw SETTING.invalid(binary, "a program this user can run (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SETTING.invalid(binary, "a llama-server; the check was interrupted");
        }
    }

    private static String lastLine(String text) {
        return text.substring(text.lastIndexOf('\n') + 1);
    }
}
