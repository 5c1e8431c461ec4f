package dev.bulwark.response.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.proliferate.WrapperSplitter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Signature rules: for attacks with a fixed marker, a phrase rule ({@link PhraseRule}) that blocks
 * prompts containing it. The marker is the longest sentence or line of the wrapper (or, with several
 * examples, the longest run of words they all share) of 16 to 160 characters that every example
 * contains and no benign text does, checked with the phrase stage itself. Also the archive format of
 * a release's rule set.
 */
public final class Signatures {
  /** The archive kind of a rule set. */
  public static final String KIND = "bulwark.signatures";

  private static final String FORMAT = "bulwark.signatures/1";
  private static final int MIN_CHARS = 16;
  private static final int MAX_CHARS = 160;

  private Signatures() {}

  /** The rule id of a family's signature. */
  public static String ruleId(String familyId) {
    return "rr." + familyId + ".signature";
  }

  /**
   * The family's signature rule, if a marker qualifies.
   *
   * @param attacks the family's attack messages (the observed examples)
   * @param benign texts the marker must not occur in
   */
  public static Optional<PhraseRule> find(String familyId, List<String> attacks,
      Optional<WrapperSplitter.Wrapper> wrapper, List<Exchange> benign) {
    Set<String> candidates = new LinkedHashSet<>();
    wrapper.ifPresent(w -> {
      candidates.addAll(pieces(w.prefix()));
      candidates.addAll(pieces(w.suffix()));
    });
    if (attacks.size() >= 2) {
      commonRun(attacks).ifPresent(candidates::add);
    }
    List<String> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
    for (String phrase : sorted) {
      PhraseRule rule = PhraseRule.phrase(ruleId(familyId), "jailbreak", Action.BLOCK, phrase, PhraseRule.Scope.PROMPT);
      PhraseStage stage = new PhraseStage("signature-check", List.of(rule));
      boolean all = attacks.stream().allMatch(a -> stage.assess(Conversation.ofUser("m", a)).action() == Action.BLOCK);
      boolean none = benign.stream().noneMatch(b -> stage.assess(b.conversation("m")).action() == Action.BLOCK);
      if (all && none) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /** Sentences and lines of a wrapper part, trimmed, of a length a marker may have. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      for (String sentence : line.split("(?<=[.!?])\\s+")) {
        String s = sentence.strip().replaceAll("\\s+", " ");
        if (s.length() >= MIN_CHARS && s.length() <= MAX_CHARS) {
          out.add(s);
        } else if (s.length() > MAX_CHARS) {
          out.add(s.substring(0, s.lastIndexOf(' ', MAX_CHARS) > MIN_CHARS ? s.lastIndexOf(' ', MAX_CHARS) : MAX_CHARS));
        }
      }
    }
    return out;
  }

  /** The longest run of whole words (whitespace-normalized, lower case) all texts share, if long enough. */
  static Optional<String> commonRun(List<String> texts) {
    List<String[]> words = texts.stream().map(t -> t.toLowerCase(Locale.ROOT).strip().split("\\s+")).toList();
    String[] first = words.get(0);
    String best = null;
    for (int i = 0; i < first.length; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = i; j < first.length; j++) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(first[j]);
        if (b.length() > MAX_CHARS) {
          break;
        }
        String run = b.toString();
        if (run.length() >= MIN_CHARS && (best == null || run.length() > best.length())) {
          String padded = " " + run + " ";
          if (words.stream().skip(1).allMatch(w -> (" " + String.join(" ", w) + " ").contains(padded))) {
            best = run;
          } else {
            break;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The archive of a rule set. */
  public static ModelArchive.Builder toArchive(String version, List<PhraseRule> rules, ObjectNode provenance) {
    ObjectNode meta = Json.object().put("format", FORMAT);
    ArrayNode a = meta.putArray("rules");
    for (PhraseRule r : rules) {
      ObjectNode n = a.addObject().put("id", r.id()).put("category", r.category()).put("action", r.action().wireName())
          .put("scope", r.scope().name().toLowerCase(Locale.ROOT));
      if (r.phrase() != null) {
        n.put("phrase", r.phrase());
      } else {
        n.put("pattern", r.pattern().pattern()).put("max_length", r.maxMatchLength());
      }
    }
    return ModelArchive.builder().kind(KIND).version(version).provenance(provenance).putJson("rules.json", meta);
  }

  /** Reads a rule set from a verified archive. */
  public static List<PhraseRule> read(ModelArchive archive) {
    if (!KIND.equals(archive.kind())) {
      throw new ModelIntegrityException("archive is a " + archive.kind() + ", not a " + KIND);
    }
    JsonNode meta = archive.json("rules.json");
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw new ModelIntegrityException("signature format " + meta.path("format") + " is not " + FORMAT);
    }
    List<PhraseRule> out = new ArrayList<>();
    try {
      for (JsonNode n : meta.path("rules")) {
        Action action = n.path("action").asText().equals("flag") ? Action.FLAG : Action.BLOCK;
        PhraseRule.Scope scope = PhraseRule.Scope.valueOf(n.path("scope").asText("prompt").toUpperCase(Locale.ROOT));
        out.add(n.has("phrase")
            ? PhraseRule.phrase(n.path("id").asText(), n.path("category").asText(), action, n.path("phrase").asText(), scope)
            : PhraseRule.pattern(n.path("id").asText(), n.path("category").asText(), action, n.path("pattern").asText(),
                n.path("max_length").asInt(), scope));
      }
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException("signature rules are invalid: " + e.getMessage(), e);
    }
    return out;
  }
}
