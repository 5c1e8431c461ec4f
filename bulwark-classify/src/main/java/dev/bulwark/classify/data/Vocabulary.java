package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The constitution's generator vocabulary: the pieces {@link SyntheticGenerator} composes requests,
 * wrappers and completions from. Everything here is headline level: names of goals, never detail.
 * Maps keep the file's order, so that generation is deterministic.
 *
 * @param cbrn per CBRN category: targets, intents, allowed intents, keyword rules
 * @param otherGoals headline goals of {@code harmful.other} ("hack into someone's email account")
 * @param jailbreak the wrappers written for the {@code jailbreak} category
 * @param registers how a goal is asked; each holds {@code {goal}}, or {@code {Goal}} to start a sentence
 * @param framings what surrounds a request; each holds {@code {request}} or {@code {request_lc}}
 * @param personas a sentence about the asker, or empty for none
 * @param evasiveModifiers phrases appended to disallowed goals only ("without getting caught")
 * @param alarmingGoals benign goals that contain alarming words ("kill a zombie process")
 * @param homework benign science homework templates
 * @param benignCompliance benign prompts with helpful, compliance-shaped answers
 * @param completions refusal, continuation and compliance templates
 * @param encodings for each encoding, how an encoded request is presented ({@code {encoded}})
 */
public record Vocabulary(
    Map<Category, Cbrn> cbrn,
    List<String> otherGoals,
    Jailbreak jailbreak,
    List<String> registers,
    List<String> framings,
    List<String> personas,
    List<String> evasiveModifiers,
    List<String> alarmingGoals,
    Homework homework,
    List<Pair> benignCompliance,
    Completions completions,
    Map<Encoding, List<String>> encodings) {

  public Vocabulary {
    cbrn = Collections.unmodifiableMap(new EnumMap<>(cbrn));
    otherGoals = List.copyOf(otherGoals);
    requireNonNull(jailbreak, "jailbreak");
    registers = List.copyOf(registers);
    framings = List.copyOf(framings);
    personas = List.copyOf(personas);
    evasiveModifiers = List.copyOf(evasiveModifiers);
    alarmingGoals = List.copyOf(alarmingGoals);
    requireNonNull(homework, "homework");
    benignCompliance = List.copyOf(benignCompliance);
    requireNonNull(completions, "completions");
    EnumMap<Encoding, List<String>> enc = new EnumMap<>(Encoding.class);
    encodings.forEach((k, v) -> enc.put(k, List.copyOf(v)));
    encodings = Collections.unmodifiableMap(enc);
  }

  /**
   * One CBRN category's vocabulary.
   *
   * @param category the category
   * @param targets named targets ("anthrax spores"), each of a kind
   * @param intents disallowed intents ("make", "smuggle {target} across a border")
   * @param allowedIntents allowed intents, asked through the same registers ("understand the history of")
   * @param allowedQuestions allowed questions with a {@code {target}} slot
   * @param keywords the rules that map a harmful text to this category
   */
  public record Cbrn(
      Category category,
      List<Target> targets,
      List<Intent> intents,
      List<Intent> allowedIntents,
      List<String> allowedQuestions,
      Keywords keywords) {
    public Cbrn {
      requireNonNull(category, "category");
      targets = List.copyOf(targets);
      intents = List.copyOf(intents);
      allowedIntents = List.copyOf(allowedIntents);
      allowedQuestions = List.copyOf(allowedQuestions);
      requireNonNull(keywords, "keywords");
    }

    /** The disallowed intents that fit a target. */
    public List<Intent> intentsFor(Target target) {
      return intents.stream().filter(i -> i.appliesTo(target)).toList();
    }

    /** The allowed intents that fit a target. */
    public List<Intent> allowedIntentsFor(Target target) {
      return allowedIntents.stream().filter(i -> i.appliesTo(target)).toList();
    }
  }

  /** A named target ("a nerve agent") and its kind ("agent"), which decides the intents that fit. */
  public record Target(String name, String kind) {
    public Target {
      requireNonNull(name, "name");
      requireNonNull(kind, "kind");
    }
  }

  /**
   * A verb phrase. Without a {@code {target}} slot the target follows it ("make" + "sarin"); with one,
   * the target goes there ("smuggle {target} across a border").
   *
   * @param text the phrase
   * @param kinds the target kinds it fits; empty means all
   */
  public record Intent(String text, Set<String> kinds) {
    public Intent {
      requireNonNull(text, "text");
      kinds = Set.copyOf(kinds);
    }

    /** Whether the intent fits the target's kind. */
    public boolean appliesTo(Target target) {
      return kinds.isEmpty() || kinds.contains(target.kind());
    }

    /** The goal phrase for a target, e.g. {@code make sarin}. */
    public String goal(Target target) {
      return text.contains("{target}") ? text.replace("{target}", target.name()) : text + " " + target.name();
    }
  }

  /**
   * Keyword rules: a term matches on word boundaries, case-insensitively, with an optional plural
   * {@code s}/{@code es}.
   *
   * @param terms terms that alone place a harmful text in the category
   * @param contextual weaker terms that count only in context
   */
  public record Keywords(List<String> terms, List<Contextual> contextual) {
    public Keywords {
      terms = List.copyOf(terms);
      contextual = List.copyOf(contextual);
    }
  }

  /**
   * A weak term ("virus") that counts only with one of {@code with} present (when {@code with} is not
   * empty) and none of {@code unless} ("computer", "malware").
   */
  public record Contextual(List<String> terms, List<String> with, List<String> unless) {
    public Contextual {
      terms = List.copyOf(terms);
      with = List.copyOf(with);
      unless = List.copyOf(unless);
    }
  }

  /**
   * The jailbreak category's own wrappers.
   *
   * @param wrappers role-play, persona and override wrappers with a {@code {payload}} slot
   * @param manyShotPreambles preambles of many-shot transcripts
   * @param modelNames names filled into {@code {generator.name}} slots
   */
  public record Jailbreak(List<String> wrappers, List<String> manyShotPreambles, List<String> modelNames) {
    public Jailbreak {
      wrappers = List.copyOf(wrappers);
      manyShotPreambles = List.copyOf(manyShotPreambles);
      modelNames = List.copyOf(modelNames);
    }
  }

  /**
   * Homework templates; {@code {slot}} takes a value from {@code slots}, {@code {num}} a small integer.
   */
  public record Homework(List<String> templates, Map<String, List<String>> slots) {
    public Homework {
      templates = List.copyOf(templates);
      LinkedHashMap<String, List<String>> s = new LinkedHashMap<>();
      slots.forEach((k, v) -> s.put(k, List.copyOf(v)));
      slots = Collections.unmodifiableMap(s);
    }
  }

  /** A prompt and its completion. */
  public record Pair(String prompt, String completion) {
    public Pair {
      requireNonNull(prompt, "prompt");
      requireNonNull(completion, "completion");
    }
  }

  /**
   * Completion templates.
   *
   * @param refusals refusals; {@code {topic}} is optional
   * @param partialRefusals refusals with harmless help added
   * @param benignContinuations replies that change the subject without helping
   * @param complianceOpenings openings of a compliant answer, with {@code {goal}}
   * @param genericOpenings compliant openings that do not restate a goal
   * @param placeholders redacted bodies that follow an opening (may be empty)
   * @param benignAnswers general answers to allowed questions, with {@code {topic}}
   */
  public record Completions(
      List<String> refusals,
      List<String> partialRefusals,
      List<String> benignContinuations,
      List<String> complianceOpenings,
      List<String> genericOpenings,
      List<String> placeholders,
      List<String> benignAnswers) {
    public Completions {
      refusals = List.copyOf(refusals);
      partialRefusals = List.copyOf(partialRefusals);
      benignContinuations = List.copyOf(benignContinuations);
      complianceOpenings = List.copyOf(complianceOpenings);
      genericOpenings = List.copyOf(genericOpenings);
      placeholders = List.copyOf(placeholders);
      benignAnswers = List.copyOf(benignAnswers);
    }
  }
}
