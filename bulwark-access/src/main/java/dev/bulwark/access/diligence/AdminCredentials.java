package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.AdminToken;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Person;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Admin-plane credentials: {@code bwa_<id>_<secret>}, a different prefix from API keys ({@code
 * bwk_}) so that neither is ever accepted in the other's place and secret scanners tell them apart.
 * The secret is 32 random bytes shown once; the store keeps its SHA-256 (enough for a 256-bit random
 * secret). Authentication reads the store on every admin request, so a revoked token stops working
 * at once: the admin plane is not a hot path.
 */
public final class AdminCredentials {
  private static final Pattern FORMAT = Pattern.compile("bwa_([a-z2-7]{16})_([A-Za-z0-9_-]{43})");

  private final DiligenceStore store;
  private final Clock clock;

  public AdminCredentials(DiligenceStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Authenticates a presented token ({@code Bearer } already stripped).
   *
   * @param presented the token, or null when the request carried none
   */
  public Result authenticate(@Nullable String presented) {
    if (presented == null || presented.isBlank()) {
      return new Denied(Reason.MISSING);
    }
    Matcher m = FORMAT.matcher(presented.trim());
    if (!m.matches()) {
      return new Denied(Reason.MALFORMED);
    }
    Optional<AdminToken> token = store.adminToken(m.group(1));
    if (token.isEmpty() || !matches(m.group(2), token.get().tokenHash())) {
      return new Denied(Reason.UNKNOWN);
    }
    Instant now = clock.instant();
    if (!token.get().usableAt(now)) {
      return new Denied(token.get().revokedAt() != null ? Reason.REVOKED : Reason.EXPIRED);
    }
    Optional<Person> person = store.person(token.get().personId());
    if (person.isEmpty()) {
      return new Denied(Reason.UNKNOWN);
    }
    return new Granted(person.get(), token.get().id());
  }

  /** A new credential's parts: the token to hand over once, its id and the hash to store. */
  static Minted mint(RandomIds ids) {
    String id = ids.base32(16);
    String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(ids.bytes(32));
    return new Minted(id, "bwa_" + id + "_" + secret, hash(secret));
  }

  record Minted(String id, String token, String hash) {
    @Override
    public String toString() {
      return "Minted{id=" + id + ", token=<masked>}";
    }
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static boolean matches(String secret, String storedHash) {
    return MessageDigest.isEqual(
        hash(secret).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
  }

  /** What {@link #authenticate} found. */
  public sealed interface Result permits Granted, Denied {}

  /** A usable token and the person it belongs to. */
  public record Granted(Person person, String tokenId) implements Result {
    public Granted {
      requireNonNull(person, "person");
      requireNonNull(tokenId, "tokenId");
    }
  }

  /** An unusable token; every reason answers 401. */
  public record Denied(Reason reason) implements Result {
    public Denied {
      requireNonNull(reason, "reason");
    }
  }

  /** Why a token was refused. */
  public enum Reason {
    MISSING("no admin token: send Authorization: Bearer <admin token>"),
    MALFORMED("not a Bulwark admin token (API keys are not accepted here)"),
    UNKNOWN("unknown admin token"),
    REVOKED("this admin token has been revoked"),
    EXPIRED("this admin token has expired");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * An admin token just issued: the only moment the full token exists outside its holder's hands.
   *
   * @param token the token, to show once
   * @param record what was stored
   * @param person whose it is
   */
  public record Issued(String token, AdminToken record, Person person) {
    public Issued {
      requireNonNull(token, "token");
      requireNonNull(record, "record");
      requireNonNull(person, "person");
    }

    @Override
    public String toString() {
      return "Issued{id=" + record.id() + ", person=" + person.id() + ", token=<masked>}";
    }
  }
}
