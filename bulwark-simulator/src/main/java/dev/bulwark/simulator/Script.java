package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import dev.bulwark.simulator.internal.ScriptParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The simulated model's scripted responses: a list of entries, the first whose match applies wins;
 * when none applies the model echoes the prompt. Immutable.
 *
 * <p>A script file is YAML (a mapping with one key, {@code responses}, holding a list of entries)
 * or JSONL (one entry per line, as a JSON object; blank lines and lines starting with {@code #} are
 * skipped). Entry fields, all optional:
 *
 * <pre>{@code
 * responses:
 *   - match: "weather"              # case-insensitive substring of the last user message
 *     text: "Let me check."
 *     tool_calls:
 *       - name: get_weather
 *         arguments: {city: Paris}  # a mapping, or JSON text
 *   - regex: "(?i)^think"           # found anywhere in the last user message
 *     thinking: "Hmm."
 *     text: "Done thinking."
 *     stop_reason: end_turn         # or max_tokens, stop_sequence, tool_use, refusal, pause_turn
 *     ttft_ms: 200
 *     tokens_per_second: 50
 *     chunk_tokens: 2
 *     usage: {input_tokens: 12, output_tokens: 34}
 *   - match: "overloaded"
 *     status: 529
 *     error_message: "simulated overload"
 *   - match: "cut me off"
 *     fault: {delay_ms: 100, disconnect_after_tokens: 3}   # or stall_after_tokens: 3 (quiet, open);
 *                                                          # or: fault: hang | fault: malformed
 * }</pre>
 */
public final class Script {
  private static final Script ECHO = new Script(List.of());

  private final List<ScriptEntry> entries;

  private Script(List<ScriptEntry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No entries: every prompt is echoed. */
  public static Script echo() {
    return ECHO;
  }

  public static Script of(List<ScriptEntry> entries) {
    requireNonNull(entries, "entries");
    return entries.isEmpty() ? ECHO : new Script(entries);
  }

  public static Script of(ScriptEntry... entries) {
    return of(List.of(entries));
  }

  /**
   * Loads a script file: {@code .yaml}, {@code .yml} or {@code .json} as YAML (JSON is YAML),
   * {@code .jsonl} or {@code .ndjson} as JSON lines.
   *
   * @throws ScriptException naming the line, entry and field of the first problem
   */
  public static Script load(Path file) throws IOException, ScriptException {
    requireNonNull(file, "file");
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return parseJsonl(text, name);
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
      return parseYaml(text, name);
    }
    throw new ScriptException(
        name, 0, -1, null, "unknown script format; name it .yaml, .yml, .json, .jsonl or .ndjson");
  }

  /**
   * Parses a YAML (or JSON) script.
   *
   * @param source a name for the text in error messages, usually the file name
   */
  public static Script parseYaml(String text, String source) throws ScriptException {
    return of(
        ScriptParser.parseYaml(requireNonNull(text, "text"), requireNonNull(source, "source")));
  }

  /** Parses a JSON-lines script, one entry per line. */
  public static Script parseJsonl(String text, String source) throws ScriptException {
    return of(
        ScriptParser.parseJsonl(requireNonNull(text, "text"), requireNonNull(source, "source")));
  }

  public List<ScriptEntry> entries() {
    return entries;
  }

  /** The first entry that applies to a prompt, or null to echo it. */
  public @Nullable ScriptEntry select(String prompt) {
    requireNonNull(prompt, "prompt");
    if (entries.isEmpty()) {
      return null;
    }
    String lower = prompt.toLowerCase(Locale.ROOT);
    for (ScriptEntry e : entries) {
      if (e.matches(prompt, lower)) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Script{" + entries.size() + " entries}";
  }
}
