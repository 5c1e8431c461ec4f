package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON Lines format of the shared data files, of {@code bulwark eval --data} and of {@code
 * bulwark train --data}. Immutable and thread-safe.
 *
 * <p>A prompt line is {@code {"text": ..., "label": ..., "category": ...}}, or has {@code "messages":
 * [{"role": ..., "content": ...}, ...]} in place of {@code text}. A completion line is {@code
 * {"prompt": ..., "completion": ..., "label": ...}}, or has {@code messages} in place of {@code
 * prompt}; its label is about the completion. {@code label} is one of {@code harmful}, {@code benign},
 * {@code jailbreak}, {@code red_team_attempt}. Optional: {@code id} (default {@code
 * <source>-<line>}), {@code source} (default the file name), {@code group} (default {@code
 * <source>:<id>}), {@code category} (an empty string means none) and {@code targets} (category ids).
 * Other fields are ignored. Roles are {@code system} (or {@code developer}), {@code user}, {@code
 * assistant} and {@code tool}.
 *
 * <p>Without {@code targets}, a line's targets follow from its label: none for benign and red-team
 * lines, {@code jailbreak} for jailbreak lines, and for harmful lines the category when it is a
 * category id (such as {@code cbrn.chemical}), else {@code harmful.other} (or, for a reader made
 * {@link #withRules}, the constitution's keyword rules). Explicit targets must agree with
 * the label: none for benign and red-team lines, at least one for harmful lines, and {@code jailbreak}
 * among them for jailbreak lines.
 *
 * <p>Blank lines are skipped. Any other line that cannot be read (bad JSON, a missing or non-string
 * field, an unknown label, role or category, both {@code text} and {@code messages}, ...) becomes a
 * {@link LineError} with its 1-based line number, and the reader goes on with the next line.
 */
public final class ExampleReader {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final @Nullable TargetRules rules;
  private final boolean fileIsSource;

  /** A reader for evaluation and training files, with the label-based default targets. */
  public ExampleReader() {
    this(null, false);
  }

  private ExampleReader(@Nullable TargetRules rules, boolean fileIsSource) {
    this.rules = rules;
    this.fileIsSource = fileIsSource;
  }

  /**
   * A reader whose harmful lines without explicit targets get them from keyword rules ({@link
   * TargetRules#harmful}) instead of {@code harmful.other}.
   */
  public static ExampleReader withRules(TargetRules rules) {
    return new ExampleReader(requireNonNull(rules, "rules"), false);
  }

  /**
   * The reader {@link DataSets} uses for the shared data files: keyword rules as {@link
   * #withRules}, and the file name as every example's source, because the files' own {@code source}
   * field is upstream provenance ({@code owner/repo:path@commit}), not a split key.
   */
  public static ExampleReader forDataFiles(TargetRules rules) {
    return new ExampleReader(requireNonNull(rules, "rules"), true);
  }

  /** Reads a UTF-8 file; the default source is the file name. */
  public ReadResult read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.getFileName().toString());
    }
  }

  /** Reads text already in memory. */
  public ReadResult read(String content, String source) {
    try {
      return read(new BufferedReader(new StringReader(content)), source);
    } catch (IOException e) {
      throw new UncheckedIOException("a string reader does not fail", e);
    }
  }

  /** Reads lines until the end of {@code in} (which stays open). */
  public ReadResult read(BufferedReader in, String source) throws IOException {
    List<Example> examples = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (n == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      try {
        examples.add(parseLine(line, n, source));
      } catch (BadLine e) {
        errors.add(new LineError(source, n, e.getMessage()));
      }
    }
    return new ReadResult(examples, errors);
  }

  /**
   * Parses one line.
   *
   * @param line the line's text
   * @param lineNumber its 1-based number, for the default id
   * @param source the default source
   * @throws IllegalArgumentException when the line is malformed, with the reason
   */
  public Example parse(String line, int lineNumber, String source) {
    return parseLine(line, lineNumber, source);
  }

  private Example parseLine(String line, int lineNumber, String defaultSource) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      throw new BadLine("invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadLine("not a JSON object");
    }
    Label label = label(node);
    String source = optionalString(node, "source");
    source = source == null || fileIsSource ? defaultSource : source;
    String id = optionalString(node, "id");
    id = id == null ? source + "-" + lineNumber : id;
    String group = optionalString(node, "group");
    group = group == null ? source + ":" + id : group;
    String category = optionalString(node, "category");
    if (category != null && category.isEmpty()) {
      category = null;
    }

    ExampleKind kind;
    List<Turn> prompt;
    String completion = null;
    if (present(node, "completion")) {
      kind = ExampleKind.COMPLETION;
      completion = requiredString(node, "completion");
      if (present(node, "text")) {
        throw new BadLine("a completion line has prompt or messages, not text");
      }
      prompt = promptTurns(node, "prompt");
    } else {
      kind = ExampleKind.PROMPT;
      if (present(node, "prompt")) {
        throw new BadLine("prompt without completion (a prompt line has text or messages)");
      }
      prompt = promptTurns(node, "text");
    }
    Set<Category> targets = present(node, "targets") ? targets(node, label) : defaultTargets(label, category, prompt);
    return new Example(id, source, group, kind, prompt, completion, label, category, targets);
  }

  private static Label label(JsonNode node) {
    if (!present(node, "label")) {
      throw new BadLine("missing label");
    }
    JsonNode l = node.get("label");
    if (!l.isTextual()) {
      throw new BadLine("label must be a string");
    }
    return Label.parse(l.textValue())
        .orElseThrow(() -> new BadLine("unknown label '" + l.textValue() + "' (expected one of "
            + Arrays.stream(Label.values()).map(Label::wireName).toList() + ")"));
  }

  /** The prompt from {@code textField} (one user turn) or from {@code messages}, exactly one of them. */
  private static List<Turn> promptTurns(JsonNode node, String textField) {
    boolean hasText = present(node, textField);
    boolean hasMessages = present(node, "messages");
    if (hasText && hasMessages) {
      throw new BadLine("both " + textField + " and messages");
    }
    if (!hasText && !hasMessages) {
      throw new BadLine("missing " + textField + " (or messages)");
    }
    if (hasText) {
      return List.of(new Turn(Role.USER, requiredString(node, textField)));
    }
    JsonNode messages = node.get("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new BadLine("messages must be a non-empty array");
    }
    List<Turn> turns = new ArrayList<>();
    boolean anyText = false;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject()) {
        throw new BadLine(at + " must be an object with role and content");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual()) {
        throw new BadLine(at + ".role must be a string");
      }
      Role r = role(role.textValue()).orElseThrow(() -> new BadLine(at + ": unknown role '" + role.textValue() + "'"));
      JsonNode content = m.get("content");
      if (content == null || !content.isTextual()) {
        throw new BadLine(at + ".content must be a string");
      }
      anyText |= !content.textValue().isBlank();
      turns.add(new Turn(r, content.textValue()));
    }
    if (!anyText) {
      throw new BadLine("messages are all empty");
    }
    return turns;
  }

  private static Optional<Role> role(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "system", "developer" -> Optional.of(Role.SYSTEM);
      case "user" -> Optional.of(Role.USER);
      case "assistant" -> Optional.of(Role.ASSISTANT);
      case "tool" -> Optional.of(Role.TOOL);
      default -> Optional.empty();
    };
  }

  private static Set<Category> targets(JsonNode node, Label label) {
    JsonNode t = node.get("targets");
    if (!t.isArray()) {
      throw new BadLine("targets must be an array of category ids");
    }
    Set<Category> out = EnumSet.noneOf(Category.class);
    for (JsonNode c : t) {
      if (!c.isTextual()) {
        throw new BadLine("targets must be an array of category ids");
      }
      out.add(Category.byId(c.textValue()).orElseThrow(() -> new BadLine("unknown category '" + c.textValue() + "' in targets")));
    }
    switch (label) {
      case BENIGN, RED_TEAM_ATTEMPT -> {
        if (!out.isEmpty()) {
          throw new BadLine("a " + label.wireName() + " line has no targets");
        }
      }
      case HARMFUL -> {
        if (out.isEmpty()) {
          throw new BadLine("a harmful line needs at least one target");
        }
      }
      case JAILBREAK -> {
        if (!out.contains(Category.JAILBREAK)) {
          throw new BadLine("a jailbreak line has the jailbreak target");
        }
      }
    }
    return out;
  }

  /** The targets a line without explicit ones gets (see the class comment). */
  private Set<Category> defaultTargets(Label label, @Nullable String category, List<Turn> prompt) {
    switch (label) {
      case BENIGN, RED_TEAM_ATTEMPT:
        return Set.of();
      case JAILBREAK:
        return Set.of(Category.JAILBREAK);
      case HARMFUL:
        Optional<Category> named = category == null
            ? Optional.empty()
            : Category.byId(category).filter(c -> c != Category.JAILBREAK);
        if (named.isPresent()) {
          return Set.of(named.get());
        }
        if (rules != null) {
          String text = prompt.stream().map(Turn::text).collect(Collectors.joining("\n\n"));
          return rules.harmful(category, text);
        }
        return Set.of(Category.HARMFUL_OTHER);
      default:
        throw new AssertionError(label);
    }
  }

  private static boolean present(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && !n.isNull();
  }

  private static String requiredString(JsonNode node, String field) {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual()) {
      throw new BadLine(field + " must be a string");
    }
    if (n.textValue().isBlank()) {
      throw new BadLine(field + " is empty");
    }
    return n.textValue();
  }

  private static @Nullable String optionalString(JsonNode node, String field) {
    if (!present(node, field)) {
      return null;
    }
    JsonNode n = node.get(field);
    if (!n.isTextual()) {
      throw new BadLine(field + " must be a string");
    }
    return n.textValue();
  }

  /** A malformed line; its message goes into the {@link LineError}. */
  private static final class BadLine extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message);
    }
  }
}
