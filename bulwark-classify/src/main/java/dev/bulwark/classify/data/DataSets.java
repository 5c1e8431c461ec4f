package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the shared data files ({@code shared/data/*.jsonl}, described in that folder's README) in
 * place, and maps them to training examples. Immutable and thread-safe.
 *
 * <p>The mapping:
 *
 * <ul>
 *   <li>Every example's source is the file name, and its group {@code <file>:<id>}, so that splits
 *       can hold out whole files and keep a row with everything made from it.
 *   <li>Harmful rows (and harmful completions, the AdvBench compliance prefixes, which are the onset
 *       of compliance) get their targets from {@link TargetRules}: the source category when it
 *       decides ({@code wmdp-bio}, {@code wmdp-chem}), else the constitution's CBRN keywords over the
 *       prompt, else {@code harmful.other}.
 *   <li>Do-Not-Answer's {@code human_chatbox} (emotional reliance, mental health) and {@code
 *       misinformation_harms} (for example medical or financial advice) areas ask nothing a misuse
 *       gateway should stop. Their rows are relabelled {@code red_team_attempt} with no targets: kept,
 *       so that evaluation can look at them, but never trained as positives (trainers leave that
 *       label out by default). {@link DataFile#excluded()} counts them.
 *   <li>Rows labelled {@code jailbreak} are templates with a placeholder, not prompts: they become
 *       {@link JailbreakTemplate}s for the generator.
 *   <li>{@code red_team_attempt} rows keep their label and have no targets.
 * </ul>
 */
public final class DataSets {
  /** The default folder: {@code ../shared/data}, relative to the working directory. */
  public static final Path DEFAULT_DIR = Path.of("..", "shared", "data");

  /** Source categories that are not misuse; their harmful rows become {@code red_team_attempt}. */
  public static final Set<String> NOT_MISUSE_CATEGORIES = Set.of("human_chatbox", "misinformation_harms");

  private final Path dir;
  private final ExampleReader reader;

  /** Files in {@code dir}, mapped with the constitution's keyword rules. */
  public DataSets(Path dir, Constitution constitution) {
    this.dir = requireNonNull(dir, "dir");
    this.reader = ExampleReader.forDataFiles(TargetRules.of(constitution));
  }

  /** The default folder and the built-in constitution. */
  public static DataSets defaults() {
    return new DataSets(DEFAULT_DIR, Constitution.builtIn());
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** Whether the folder exists. */
  public boolean available() {
    return Files.isDirectory(dir);
  }

  /** The {@code .jsonl} files in the folder, sorted by name. */
  public List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
  }

  /** Reads a file of the folder by name. */
  public DataFile read(String fileName) throws IOException {
    return read(dir.resolve(fileName));
  }

  /** Reads any file in the shared format, and maps it (see the class comment). */
  public DataFile read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    ReadResult r = reader.read(new String(bytes, StandardCharsets.UTF_8), name);
    List<Example> examples = new ArrayList<>();
    List<JailbreakTemplate> templates = new ArrayList<>();
    int excluded = 0;
    for (Example e : r.examples()) {
      if (e.label() == Label.JAILBREAK && e.kind() == ExampleKind.PROMPT) {
        templates.add(new JailbreakTemplate(e.id(), e.source(), e.group(), e.promptText()));
      } else if (e.label() == Label.HARMFUL && e.category() != null && NOT_MISUSE_CATEGORIES.contains(e.category())) {
        excluded++;
        examples.add(new Example(e.id(), e.source(), e.group(), e.kind(), e.prompt(), e.completion(),
            Label.RED_TEAM_ATTEMPT, e.category(), Set.of()));
      } else {
        examples.add(e);
      }
    }
    return new DataFile(name, Digests.sha256(bytes), examples, templates, r.errors(), excluded);
  }

  /** Reads every file of the folder, in name order. */
  public List<DataFile> readAll() throws IOException {
    List<DataFile> out = new ArrayList<>();
    for (Path p : files()) {
      out.add(read(p));
    }
    return out;
  }

  /**
   * Gives examples that share a prompt the group of the first of them, so that a prompt and its
   * completions from another file (GSM8K questions and their worked answers, AdvBench goals and
   * their compliance prefixes) land in the same split. The key is the prompt text lowercased, with
   * runs of whitespace collapsed, as the data README deduplicates. Order is kept.
   */
  public static List<Example> unifyGroups(List<Example> examples) {
    Map<String, String> firstGroup = new HashMap<>();
    List<Example> out = new ArrayList<>(examples.size());
    for (Example e : examples) {
      String key = e.promptText().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
      String group = firstGroup.computeIfAbsent(key, k -> e.group());
      out.add(group.equals(e.group())
          ? e
          : new Example(e.id(), e.source(), group, e.kind(), e.prompt(), e.completion(), e.label(), e.category(), e.targets()));
    }
    return out;
  }
}
