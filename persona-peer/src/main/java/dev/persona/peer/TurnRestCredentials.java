package dev.persona.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.persona.settings.Setting;
import dev.persona.settings.SettingSource;

/**
 * Short-lived TURN credentials made from a secret the host shares with its TURN server: the "TURN REST API" scheme
 * (draft-uberti-behave-turn-rest-00) that coturn checks with {@code use-auth-secret} and {@code static-auth-secret}.
 * The user name is {@code <expiry as Unix seconds>:<label>}, the password base64(HMAC-SHA1(secret, user name)); the
 * TURN server recomputes the password from the user name and refuses one whose expiry has passed. So no password is
 * stored anywhere, and one handed to a phone stops working after {@code ttl}.
 *
 * <p>The host peer takes fresh credentials for each peer connection; a phone gets them only once it has proven a key
 * that is an approved device ({@code docs/host-peer.md}, section 6a). The secret never leaves this object: not in
 * {@link #toString()}, not in a message.
 */
public final class TurnRestCredentials {

    public static final Setting<String> URLS = Setting.text("persona.peer.turn.urls", null);
    public static final Setting<String> SECRET = Setting.secret("persona.peer.turn.secret");
    public static final Setting<Long> TTL_SECONDS =
            Setting.wholeNumber("persona.peer.turn.ttl.seconds", 86_400, 60, 7 * 86_400);

    /** The shortest secret taken: a TURN secret guessed is an open relay for whoever guessed it. */
    static final int MIN_SECRET_LENGTH = 16;
    private static final Pattern TURN_URL = Pattern.compile("turns?:[^\\s,?]+(\\?transport=(udp|tcp))?");
    private static final String HMAC = "HmacSHA1";

    private final List<String> urls;
    private final byte[] secret;
    private final Duration ttl;

    /**
     * @param urls {@code turn:host[:port][?transport=udp|tcp]} or {@code turns:…}, at least one
     * @param secret coturn's {@code static-auth-secret}, at least 16 characters
     * @param ttl how long credentials stay valid
     * @throws dev.persona.settings.InvalidSettingException naming the setting at fault
     */
    public TurnRestCredentials(List<String> urls, String secret, Duration ttl) {
        if (urls.isEmpty()) {
            throw URLS.invalid("", "one or more TURN URLs, as " + SECRET.environmentName() + " is set");
        }
        for (String url : urls) {
            if (!TURN_URL.matcher(url).matches()) {
                throw URLS.invalid(url, "turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp]");
            }
        }
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            // The value is a secret: its message names the rule only.
            throw SECRET.invalid("(hidden)", "at least " + MIN_SECRET_LENGTH + " characters, the static-auth-secret "
                    + "of the TURN server (make one with: openssl rand -hex 32)");
        }
        TTL_SECONDS.require(ttl.toSeconds());
        this.urls = List.copyOf(urls);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /**
     * The TURN REST settings in {@code source}: empty when neither the URLs nor the secret are given.
     *
     * @throws dev.persona.settings.InvalidSettingException when one is given without the other, or a value is bad
     */
    public static Optional<TurnRestCredentials> from(SettingSource source) {
        Optional<String> urls = URLS.given(source);
        Optional<String> secret = SECRET.given(source);
        if (urls.isEmpty() && secret.isEmpty()) {
            return Optional.empty();
        }
        if (secret.isEmpty()) {
            throw URLS.invalid(urls.get(), "TURN URLs only with " + SECRET.environmentName() + " set (the "
                    + "static-auth-secret of the TURN server)");
        }
        List<String> list = new ArrayList<>();
        for (String url : urls.orElse("").split("[\\s,]+")) {
            if (!url.isEmpty()) {
                list.add(url);
            }
        }
        return Optional.of(new TurnRestCredentials(list, secret.get(), Duration.ofSeconds(TTL_SECONDS.from(source))));
    }

    /**
     * The TURN servers with credentials for {@code label} valid until {@code now + ttl}.
     *
     * @param label who uses them, as the TURN server logs it (no colon: it separates the expiry)
     */
    public List<IceServer> issue(String label, Instant now) {
        if (label.isEmpty() || label.contains(":")) {
            throw new IllegalArgumentException("A TURN user label is not empty and has no colon: " + label);
        }
        String username = now.plus(ttl).getEpochSecond() + ":" + label;
        String password = password(secret, username);
        return urls.stream().map(url -> new IceServer(url, username, password)).toList();
    }

    /** base64(HMAC-SHA1({@code secret}, {@code username})): the password coturn expects for {@code username}. */
    static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException("This Java has no " + HMAC + ", which every Java SE has", missing);
        }
    }

    public List<String> urls() {
        return urls;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The URLs and the lifetime; never the secret. */
    @Override
    public String toString() {
        return urls + " with TURN REST credentials valid " + ttl.toSeconds() + " s";
    }
}
