package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Makes labelled examples from the constitution's vocabulary, and from a pool of prompts and
 * jailbreak templates. Deterministic: the same constitution, spec and pool give the same examples in
 * the same order (each kind draws from its own {@link SplittableRandom} seeded from the spec's seed,
 * the kind and a salt, so changing one kind's count leaves the others alone). Immutable and
 * thread-safe.
 *
 * <p>Everything stays at headline level: requests name a goal ("make sarin") and nothing more, and a
 * harmful completion is a compliant opening that echoes the goal followed by a redacted placeholder.
 *
 * <p>Labelling decisions:
 *
 * <ul>
 *   <li>A jailbreak wrapper (a shared template, a constitution wrapper or a many-shot transcript)
 *       around a harmful payload is {@code harmful} with targets {jailbreak + the payload's
 *       categories}; around a benign payload it is {@code jailbreak} with the jailbreak target only.
 *       The jailbreak label and the harm labels stay separate.
 *   <li>An encoded request (base64, rot13, leetspeak, spaced letters, homoglyphs, reversed) keeps the
 *       targets of what it asks: the canonicalizer decodes it, and the encoding alone is not treated
 *       as a jailbreak, so an encoded benign request is benign. Only when an encoded request is also
 *       wrapped in a jailbreak does it get the jailbreak target.
 *   <li>A completion that refuses, refuses in part or changes the subject after a harmful prompt is
 *       benign: it does not help. A compliant opening after a harmful prompt is harmful, with the
 *       prompt's harm targets. The same openings and placeholders also follow benign prompts
 *       (labelled benign), so that "Sure, here is" and "[REDACTED]" carry no signal by themselves.
 * </ul>
 *
 * <p>Groups (the split key): base examples group by their seed request (category, target and goal;
 * goal; template); derived examples take the group of the template that wraps them, else of their
 * payload. Derive each split from its own pool ({@link TrainingCorpus} does) so that no template or
 * payload reaches two splits.
 */
public final class SyntheticGenerator {
  private static final String CBRN_REQUEST = SyntheticKind.CBRN_REQUEST.source() + "|";
  private static final String CBRN_ALLOWED = SyntheticKind.CBRN_ALLOWED.source() + "|";
  private static final String OTHER_REQUEST = SyntheticKind.OTHER_REQUEST.source() + "|";
  private static final String BENIGN_ALARMING = SyntheticKind.BENIGN_ALARMING.source() + "|";
  private static final String QUESTION_MARK = "q:";
  private static final int MAX_PAYLOAD_CHARS = 600;
  private static final double FRAMED = 0.5;
  private static final double WITH_PERSONA = 0.35;
  private static final Pattern SLOT = Pattern.compile("\\{([A-Za-z_]+)\\}");
  private static final Pattern HOW_TO =
      Pattern.compile(
          "^(?:(?:please|so|ok|okay|hey),?\\s+)?(?:how\\s+(?:do|can|could|would|should|might|will)\\s+"
              + "(?:i|you|one|someone|we|a person|people)\\s+|how\\s+to\\s+|tell\\s+me\\s+how\\s+to\\s+|"
              + "explain\\s+how\\s+to\\s+|what(?:'s|\\s+is)\\s+the\\s+(?:best|easiest)\\s+way\\s+to\\s+)"
              + "([^\\n]{3,150}?)\\s*[?.!]*$",
          Pattern.CASE_INSENSITIVE);

  private final Vocabulary v;
  private final GeneratorSpec spec;

  /** A generator for a constitution and a spec. */
  public SyntheticGenerator(Constitution constitution, GeneratorSpec spec) {
    this.v = requireNonNull(constitution, "constitution").vocabulary();
    this.spec = requireNonNull(spec, "spec");
  }

  /** The spec. */
  public GeneratorSpec spec() {
    return spec;
  }

  /**
   * Everything from the constitution alone: the base kinds, then the derived kinds over the base
   * examples and the constitution's wrappers.
   */
  public List<Example> generate() {
    return generate(Pool.empty());
  }

  /**
   * The base kinds, then the derived kinds over the pool plus the base examples and the
   * constitution's wrappers. This does not keep splits apart; for training use {@link TrainingCorpus}.
   */
  public List<Example> generate(Pool pool) {
    List<Example> base = base();
    List<Example> prompts = new ArrayList<>(pool.examples());
    prompts.addAll(base);
    List<JailbreakTemplate> templates = new ArrayList<>(pool.templates());
    templates.addAll(builtInTemplates());
    List<Example> out = new ArrayList<>(base);
    out.addAll(derive(new Pool(prompts, templates), "all", 1.0));
    return out;
  }

  /** The constitution's own jailbreak wrappers, as templates (source {@code constitution}). */
  public List<JailbreakTemplate> builtInTemplates() {
    List<JailbreakTemplate> out = new ArrayList<>();
    List<String> wrappers = v.jailbreak().wrappers();
    for (int i = 0; i < wrappers.size(); i++) {
      String id = String.format(Locale.ROOT, "constitution-wrapper-%02d", i);
      out.add(new JailbreakTemplate(id, "constitution", "constitution:" + id, wrappers.get(i)));
    }
    return out;
  }

  /** The base kinds, in {@link SyntheticKind} order. */
  public List<Example> base() {
    List<Example> out = new ArrayList<>();
    produce(SyntheticKind.CBRN_REQUEST, "base", spec.count(SyntheticKind.CBRN_REQUEST), out, this::cbrnRequest);
    produce(SyntheticKind.CBRN_ALLOWED, "base", spec.count(SyntheticKind.CBRN_ALLOWED), out, this::cbrnAllowed);
    produce(SyntheticKind.OTHER_REQUEST, "base", spec.count(SyntheticKind.OTHER_REQUEST), out, this::otherRequest);
    produce(SyntheticKind.BENIGN_ALARMING, "base", spec.count(SyntheticKind.BENIGN_ALARMING), out, this::benignAlarming);
    produce(SyntheticKind.BENIGN_EVERYDAY, "base", spec.count(SyntheticKind.BENIGN_EVERYDAY), out, this::everyday);
    produce(SyntheticKind.SCIENCE_HOMEWORK, "base", spec.count(SyntheticKind.SCIENCE_HOMEWORK), out, this::homework);
    produce(SyntheticKind.BENIGN_COMPLIANT, "base", spec.count(SyntheticKind.BENIGN_COMPLIANT), out, this::benignCompliant);
    return out;
  }

  /**
   * The derived kinds over a pool.
   *
   * @param pool payload prompts and templates
   * @param salt names the pool (a split's name): it seeds the draws and prefixes the ids
   * @param share the fraction of each derived count to make from this pool, in [0, 1]
   */
  public List<Example> derive(Pool pool, String salt, double share) {
    requireNonNull(salt, "salt");
    if (!(share >= 0.0 && share <= 1.0)) {
      throw new IllegalArgumentException("share must be in [0, 1], was " + share);
    }
    Payloads p = new Payloads(pool);
    List<Example> out = new ArrayList<>();
    for (SyntheticKind kind : SyntheticKind.values()) {
      if (kind.base()) {
        continue;
      }
      int n = (int) Math.round(spec.count(kind) * share);
      Function<SplittableRandom, @Nullable Draft> draw = switch (kind) {
        case JAILBREAK_HARMFUL -> rng -> jailbreak(p, true, rng);
        case JAILBREAK_BENIGN -> rng -> jailbreak(p, false, rng);
        case ENCODED_HARMFUL -> rng -> encoded(p, true, rng);
        case ENCODED_BENIGN -> rng -> encoded(p, false, rng);
        case NOISY -> rng -> noisy(p, rng);
        case COMPLETION_REFUSAL -> rng -> refusal(p, rng);
        case COMPLETION_COMPLIANCE -> rng -> compliance(p, rng);
        case COMPLETION_BENIGN -> rng -> benignCompletion(p, rng);
        default -> throw new AssertionError(kind);
      };
      produce(kind, salt, n, out, draw);
    }
    return out;
  }

  // ---------------------------------------------------------------- base kinds

  private Draft cbrnRequest(SplittableRandom rng) {
    Vocabulary.Cbrn c = pickCbrn(rng);
    Vocabulary.Target t = pick(c.targets(), rng);
    Vocabulary.Intent intent = pick(c.intentsFor(t), rng);
    String goal = intent.goal(t);
    String asked = rng.nextDouble() < 0.2 ? goal + " " + pick(v.evasiveModifiers(), rng) : goal;
    String group = CBRN_REQUEST + c.category().id() + "|" + t.name() + "|" + goal;
    return Draft.prompt(user(request(asked, rng)), Label.HARMFUL, c.category().id(), Set.of(c.category()), group);
  }

  private Draft cbrnAllowed(SplittableRandom rng) {
    Vocabulary.Cbrn c = pickCbrn(rng);
    Vocabulary.Target t = pick(c.targets(), rng);
    List<Vocabulary.Intent> intents = c.allowedIntentsFor(t);
    String text;
    String seed;
    if (!intents.isEmpty() && rng.nextDouble() < 0.6) {
      seed = pick(intents, rng).goal(t);
      text = request(seed, rng);
    } else {
      String q = pick(c.allowedQuestions(), rng);
      seed = QUESTION_MARK + q;
      text = frame(upperFirst(q.replace("{target}", t.name())), rng);
    }
    String group = CBRN_ALLOWED + c.category().id() + "|" + t.name() + "|" + seed;
    return Draft.prompt(user(text), Label.BENIGN, c.category().id(), Set.of(), group);
  }

  private Draft otherRequest(SplittableRandom rng) {
    String goal = pick(v.otherGoals(), rng);
    String asked = rng.nextDouble() < 0.2 ? goal + " " + pick(v.evasiveModifiers(), rng) : goal;
    return Draft.prompt(user(request(asked, rng)), Label.HARMFUL, Category.HARMFUL_OTHER.id(),
        Set.of(Category.HARMFUL_OTHER), OTHER_REQUEST + goal);
  }

  private Draft benignAlarming(SplittableRandom rng) {
    String goal = pick(v.alarmingGoals(), rng);
    return Draft.prompt(user(request(goal, rng)), Label.BENIGN, "alarming", Set.of(), BENIGN_ALARMING + goal);
  }

  private Draft everyday(SplittableRandom rng) {
    EverydayQuestions.Drawn q = EverydayQuestions.draw(rng);
    // Grouped by template, so a template's fills never straddle splits.
    return Draft.prompt(user(q.text()), Label.BENIGN, q.category(), Set.of(),
        SyntheticKind.BENIGN_EVERYDAY.source() + "|" + q.template());
  }

  private Draft homework(SplittableRandom rng) {
    List<String> templates = v.homework().templates();
    int i = rng.nextInt(templates.size());
    Map<String, List<String>> slots = v.homework().slots();
    Matcher m = SLOT.matcher(templates.get(i));
    StringBuilder text = new StringBuilder();
    StringBuilder key = new StringBuilder();
    while (m.find()) {
      String value = m.group(1).equals("num")
          ? Integer.toString(2 + rng.nextInt(98))
          : pick(slots.get(m.group(1)), rng);
      if (!m.group(1).equals("num")) {
        key.append('|').append(value);
      }
      m.appendReplacement(text, Matcher.quoteReplacement(value));
    }
    m.appendTail(text);
    String prompt = rng.nextDouble() < 0.15 ? pick(v.personas(), rng) + " " + text : text.toString();
    String group = SyntheticKind.SCIENCE_HOMEWORK.source() + "|" + i + key;
    return Draft.prompt(user(prompt.strip()), Label.BENIGN, "homework", Set.of(), group);
  }

  private Draft benignCompliant(SplittableRandom rng) {
    List<Vocabulary.Pair> pairs = v.benignCompliance();
    int i = rng.nextInt(pairs.size());
    Vocabulary.Pair pair = pairs.get(i);
    String prompt = rng.nextDouble() < 0.25 ? pair.prompt() : frame(pair.prompt(), rng);
    return Draft.completion(user(prompt), pair.completion(), Label.BENIGN, "compliance-shaped", Set.of(),
        SyntheticKind.BENIGN_COMPLIANT.source() + "|" + i);
  }

  // ---------------------------------------------------------------- derived kinds

  private @Nullable Draft jailbreak(Payloads p, boolean harmful, SplittableRandom rng) {
    Example payload = harmful ? p.harmful(rng) : p.benign(rng);
    if (payload == null) {
      return null;
    }
    Label label = harmful ? Label.HARMFUL : Label.JAILBREAK;
    if (p.templates.isEmpty() || rng.nextDouble() < 0.15) {
      return manyShot(p, payload, harmful, label, rng);
    }
    JailbreakTemplate t = pick(p.templates, rng);
    String text = t.fill(payload.promptText(), pick(v.jailbreak().modelNames(), rng));
    return Draft.prompt(user(text), label, t.id(), withJailbreak(harmful ? payload.targets() : Set.of()), t.group());
  }

  private @Nullable Draft manyShot(Payloads p, Example payload, boolean harmful, Label label, SplittableRandom rng) {
    int shots = 3 + rng.nextInt(6);
    Set<Category> targets = EnumSet.noneOf(Category.class);
    if (harmful) {
      targets.addAll(payload.targets());
    }
    String preamble = pick(v.jailbreak().manyShotPreambles(), rng);
    List<Turn> turns = new ArrayList<>();
    turns.add(new Turn(Role.SYSTEM, preamble));
    for (int i = 0; i < shots; i++) {
      Example shot = harmful ? p.harmful(rng) : p.benign(rng);
      if (shot == null) {
        return null;
      }
      if (harmful) {
        targets.addAll(shot.targets());
      }
      turns.add(new Turn(Role.USER, shot.promptText()));
      turns.add(new Turn(Role.ASSISTANT, opening(shot, rng) + pickBody(rng, true)));
    }
    turns.add(new Turn(Role.USER, payload.promptText()));
    if (rng.nextBoolean()) {
      // The same transcript pasted into one message, as it often arrives.
      StringBuilder b = new StringBuilder(preamble).append("\n\n");
      for (int i = 1; i < turns.size() - 1; i += 2) {
        b.append("User: ").append(turns.get(i).text()).append("\nAssistant: ").append(turns.get(i + 1).text()).append("\n\n");
      }
      b.append("User: ").append(payload.promptText()).append("\nAssistant:");
      turns = user(b.toString());
    }
    String group = "synthetic:many-shot|" + payload.group();
    return Draft.prompt(turns, label, "many-shot", withJailbreak(targets), group);
  }

  private @Nullable Draft encoded(Payloads p, boolean harmful, SplittableRandom rng) {
    Example payload = harmful ? p.harmful(rng) : p.benign(rng);
    if (payload == null) {
      return null;
    }
    List<Encoding> encodings = List.copyOf(v.encodings().keySet());
    Encoding e = pick(encodings, rng);
    String text = pick(v.encodings().get(e), rng).replace("{encoded}", e.encode(payload.promptText()));
    if (!p.templates.isEmpty() && rng.nextDouble() < 0.25) {
      JailbreakTemplate t = pick(p.templates, rng);
      return Draft.prompt(user(t.fill(text, pick(v.jailbreak().modelNames(), rng))),
          harmful ? Label.HARMFUL : Label.JAILBREAK, e.id(),
          withJailbreak(harmful ? payload.targets() : Set.of()), t.group());
    }
    return Draft.prompt(user(text), payload.label(), e.id(), payload.targets(), payload.group());
  }

  private @Nullable Draft noisy(Payloads p, SplittableRandom rng) {
    Example payload = rng.nextBoolean() ? p.harmful(rng) : p.benign(rng);
    if (payload == null) {
      return null;
    }
    String original = payload.promptText();
    String type;
    String text;
    switch (rng.nextInt(4)) {
      case 0 -> {
        type = "lowercase";
        text = original.toLowerCase(Locale.ROOT);
      }
      case 1 -> {
        type = "uppercase";
        text = original.toUpperCase(Locale.ROOT);
      }
      case 2 -> {
        type = "random-case";
        StringBuilder b = new StringBuilder(original.length());
        for (int i = 0; i < original.length(); i++) {
          char c = original.charAt(i);
          b.append(rng.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        text = b.toString();
      }
      default -> {
        type = "typos";
        text = typos(original, rng);
      }
    }
    if (text.equals(original)) {
      return null;
    }
    return Draft.prompt(user(text), payload.label(), type, payload.targets(), payload.group());
  }

  private @Nullable Draft refusal(Payloads p, SplittableRandom rng) {
    Example payload = p.harmful(rng);
    if (payload == null) {
      return null;
    }
    Hints h = hints(payload);
    double r = rng.nextDouble();
    String type;
    List<String> templates;
    if (r < 0.45) {
      type = "refusal";
      templates = v.completions().refusals();
    } else if (r < 0.75) {
      type = "partial-refusal";
      templates = v.completions().partialRefusals();
    } else {
      type = "benign-continuation";
      templates = v.completions().benignContinuations();
    }
    List<String> usable = h.topic == null ? templates.stream().filter(t -> !t.contains("{topic}")).toList() : templates;
    if (usable.isEmpty()) {
      usable = v.completions().refusals().stream().filter(t -> !t.contains("{topic}")).toList();
    }
    String text = pick(usable, rng);
    if (h.topic != null) {
      text = text.replace("{topic}", h.topic);
    }
    return Draft.completion(payload.prompt(), text, Label.BENIGN, type, Set.of(), payload.group());
  }

  private @Nullable Draft compliance(Payloads p, SplittableRandom rng) {
    Example payload = p.harmful(rng);
    if (payload == null) {
      return null;
    }
    String completion = opening(payload, rng) + pickBody(rng, false);
    return Draft.completion(payload.prompt(), completion, Label.HARMFUL, "compliance", payload.targets(), payload.group());
  }

  private @Nullable Draft benignCompletion(Payloads p, SplittableRandom rng) {
    if (!p.allowedCbrn.isEmpty() && rng.nextDouble() < 0.35) {
      Example payload = pick(p.allowedCbrn, rng);
      String topic = hints(payload).topic;
      if (topic != null) {
        String answer = pick(v.completions().benignAnswers(), rng).replace("{topic}", topic);
        return Draft.completion(payload.prompt(), answer, Label.BENIGN, "benign-answer", Set.of(), payload.group());
      }
    }
    Example payload = p.benign(rng);
    if (payload == null) {
      return null;
    }
    String completion = opening(payload, rng) + pickBody(rng, false);
    return Draft.completion(payload.prompt(), completion, Label.BENIGN, "compliance-shaped", Set.of(), payload.group());
  }

  // ---------------------------------------------------------------- pieces

  /** A compliant opening: with the goal when the request states one, else a generic one. */
  private String opening(Example e, SplittableRandom rng) {
    String goal = hints(e).goal;
    if (goal != null && rng.nextDouble() < 0.8) {
      return pick(v.completions().complianceOpenings(), rng).replace("{goal}", goal);
    }
    return pick(v.completions().genericOpenings(), rng);
  }

  private String pickBody(SplittableRandom rng, boolean nonEmpty) {
    List<String> ph = v.completions().placeholders();
    List<String> usable = nonEmpty ? ph.stream().filter(s -> !s.isBlank()).toList() : ph;
    return usable.isEmpty() ? "" : pick(usable, rng);
  }

  /** A goal and topic for a prompt: from a synthetic seed request, else from a "how do I ..." text. */
  private Hints hints(Example e) {
    String g = e.group();
    if (g.startsWith(CBRN_REQUEST) || g.startsWith(CBRN_ALLOWED)) {
      String[] parts = g.substring(g.indexOf('|') + 1).split("\\|", 3);
      if (parts.length == 3) {
        return new Hints(parts[2].startsWith(QUESTION_MARK) ? null : parts[2], parts[1]);
      }
    }
    if (g.startsWith(OTHER_REQUEST)) {
      return new Hints(g.substring(OTHER_REQUEST.length()), null);
    }
    if (g.startsWith(BENIGN_ALARMING)) {
      return new Hints(g.substring(BENIGN_ALARMING.length()), null);
    }
    if (e.prompt().size() == 1) {
      Matcher m = HOW_TO.matcher(e.promptText().strip());
      if (m.matches()) {
        return new Hints(m.group(1), null);
      }
    }
    return new Hints(null, null);
  }

  private String request(String goal, SplittableRandom rng) {
    // {Goal} starts a sentence with the goal: an imperative ("Write a ...").
    return frame(pick(v.registers(), rng).replace("{goal}", goal).replace("{Goal}", upperFirst(goal)), rng);
  }

  /** Puts a request into a framing and after a persona. */
  private String frame(String request, SplittableRandom rng) {
    String f = rng.nextDouble() < FRAMED ? pick(v.framings(), rng) : "{request}";
    String slot = f.contains("{request_lc}") ? "{request_lc}" : "{request}";
    String r = slot.equals("{request_lc}") ? lowerFirst(request) : request;
    String after = f.substring(f.indexOf(slot) + slot.length());
    if (!after.isBlank() && !r.isEmpty() && Character.isLetterOrDigit(r.charAt(r.length() - 1))) {
      r = r + "?";
    }
    String text = f.replace(slot, r);
    String persona = rng.nextDouble() < WITH_PERSONA ? pick(v.personas(), rng) : "";
    return persona.isBlank() ? text : persona + " " + text;
  }

  private static String typos(String text, SplittableRandom rng) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + text.length() / 30;
    for (int k = 0; k < edits && b.length() > 3; k++) {
      int i = rng.nextInt(b.length() - 1);
      if (!Character.isLetter(b.charAt(i))) {
        continue;
      }
      switch (rng.nextInt(3)) {
        case 0 -> {
          char c = b.charAt(i);
          b.setCharAt(i, b.charAt(i + 1));
          b.setCharAt(i + 1, c);
        }
        case 1 -> b.deleteCharAt(i);
        default -> b.insert(i, b.charAt(i));
      }
    }
    return b.toString();
  }

  private Vocabulary.Cbrn pickCbrn(SplittableRandom rng) {
    List<Vocabulary.Cbrn> all = List.copyOf(v.cbrn().values());
    return pick(all, rng);
  }

  private static Set<Category> withJailbreak(Set<Category> targets) {
    Set<Category> out = EnumSet.of(Category.JAILBREAK);
    out.addAll(targets);
    return out;
  }

  private static List<Turn> user(String text) {
    return List.of(new Turn(Role.USER, text));
  }

  private static String lowerFirst(String s) {
    if (s.isEmpty() || s.startsWith("I ") || s.startsWith("I'") || (s.length() > 1 && Character.isUpperCase(s.charAt(1)))) {
      return s;
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String upperFirst(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static <T> T pick(List<T> list, SplittableRandom rng) {
    return list.get(rng.nextInt(list.size()));
  }

  /**
   * Draws until {@code n} distinct examples (by prompt and completion) are made, or until the draws
   * stop giving new ones (a small vocabulary or pool can hold fewer than asked for).
   */
  private void produce(SyntheticKind kind, String salt, int n, List<Example> out, Function<SplittableRandom, @Nullable Draft> draw) {
    if (n == 0) {
      return;
    }
    SplittableRandom rng = new SplittableRandom(mix(spec.seed(), kind.ordinal(), salt.hashCode()));
    Set<String> seen = new HashSet<>();
    int made = 0;
    int misses = 0;
    int maxMisses = Math.max(1000, n * 20);
    while (made < n && misses < maxMisses) {
      Draft d = draw.apply(rng);
      if (d == null || !seen.add(d.key())) {
        misses++;
        continue;
      }
      String id = kind.id() + "-" + salt + "-" + String.format(Locale.ROOT, "%05d", made);
      out.add(new Example(id, kind.source(), d.group, d.completion == null ? ExampleKind.PROMPT : ExampleKind.COMPLETION,
          d.prompt, d.completion, d.label, d.category, d.targets));
      made++;
    }
  }

  /** SplitMix64's finalizer over the parts, so that nearby seeds give unrelated streams. */
  private static long mix(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h ^= p;
      h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
      h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
      h ^= h >>> 31;
      h += 0x9E3779B97F4A7C15L;
    }
    return h;
  }

  private record Hints(@Nullable String goal, @Nullable String topic) {}

  /** What one draw makes, before it gets an id. */
  private record Draft(
      List<Turn> prompt, @Nullable String completion, Label label, String category, Set<Category> targets, String group) {
    static Draft prompt(List<Turn> prompt, Label label, String category, Set<Category> targets, String group) {
      return new Draft(prompt, null, label, category, targets, group);
    }

    static Draft completion(List<Turn> prompt, String completion, Label label, String category, Set<Category> targets, String group) {
      return new Draft(prompt, completion, label, category, targets, group);
    }

    String key() {
      StringBuilder b = new StringBuilder();
      for (Turn t : prompt) {
        b.append(t.role()).append('\u0000').append(t.text()).append('\u0000');
      }
      return b.append('\u0001').append(completion == null ? "" : completion).toString();
    }
  }

  /** The pool sorted into the payloads each kind draws from. */
  private static final class Payloads {
    final List<Example> harmfulCbrn = new ArrayList<>();
    final List<Example> harmfulOther = new ArrayList<>();
    final List<Example> benign = new ArrayList<>();
    final List<Example> allowedCbrn = new ArrayList<>();
    final List<JailbreakTemplate> templates;

    Payloads(Pool pool) {
      for (Example e : pool.examples()) {
        if (e.kind() != ExampleKind.PROMPT
            || e.prompt().size() != 1
            || e.prompt().get(0).role() != Role.USER
            || e.promptText().length() > MAX_PAYLOAD_CHARS
            || e.promptText().isBlank()
            || e.targets().contains(Category.JAILBREAK)) {
          continue;
        }
        if (e.label() == Label.HARMFUL) {
          (e.targets().stream().anyMatch(Category::cbrn) ? harmfulCbrn : harmfulOther).add(e);
        } else if (e.label() == Label.BENIGN) {
          benign.add(e);
          if (e.group().startsWith(CBRN_ALLOWED)) {
            allowedCbrn.add(e);
          }
        }
      }
      this.templates = pool.templates();
    }

    /** A harmful payload: CBRN half the time when there are both kinds. */
    @Nullable Example harmful(SplittableRandom rng) {
      if (harmfulCbrn.isEmpty() && harmfulOther.isEmpty()) {
        return null;
      }
      boolean cbrn = harmfulOther.isEmpty() || (!harmfulCbrn.isEmpty() && rng.nextBoolean());
      return pick(cbrn ? harmfulCbrn : harmfulOther, rng);
    }

    @Nullable Example benign(SplittableRandom rng) {
      return benign.isEmpty() ? null : pick(benign, rng);
    }
  }
}
