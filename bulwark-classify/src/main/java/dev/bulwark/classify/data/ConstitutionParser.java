package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bulwark.classify.Category;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a constitution YAML strictly: unknown or duplicate fields, missing fields, empty lists,
 * unknown template slots and digits in the request vocabulary all fail with the field's path.
 */
final class ConstitutionParser {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Pattern SLOT = Pattern.compile("\\{([A-Za-z_.]+)\\}");
  private static final Pattern DIGIT = Pattern.compile("[0-9]");

  private ConstitutionParser() {}

  static Constitution parse(byte[] bytes) {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JacksonException e) {
      throw new ConstitutionException("<root>", "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConstitutionException("<root>", "cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConstitutionException("<root>", "must be a mapping");
    }
    fields(root, "", Set.of("version", "summary", "categories", "generator"), Set.of());
    String version = text(root, "version", "");
    String summary = text(root, "summary", "");

    JsonNode cats = object(root, "categories", "");
    Set<String> ids = new LinkedHashSet<>();
    Category.ALL.forEach(c -> ids.add(c.id()));
    fields(cats, "categories", ids, Set.of());
    Map<Category, CategoryPolicy> policies = new EnumMap<>(Category.class);
    Map<Category, Vocabulary.Cbrn> cbrn = new EnumMap<>(Category.class);
    Vocabulary.@Nullable Jailbreak jailbreak = null;
    List<String> otherGoals = List.of();
    for (Category c : Category.ALL) {
      String path = "categories." + c.id();
      JsonNode node = object(cats, c.id(), "categories");
      fields(node, path, Set.of("title", "description", "disallowed", "allowed", "examples", "vocabulary"), Set.of());
      JsonNode ex = object(node, "examples", path);
      fields(ex, path + ".examples", Set.of("disallowed", "allowed"), Set.of());
      policies.put(c, new CategoryPolicy(
          c,
          text(node, "title", path),
          text(node, "description", path),
          texts(node, "disallowed", path),
          texts(node, "allowed", path),
          texts(ex, "disallowed", path + ".examples"),
          texts(ex, "allowed", path + ".examples")));
      String vpath = path + ".vocabulary";
      JsonNode voc = object(node, "vocabulary", path);
      if (c.cbrn()) {
        cbrn.put(c, cbrn(c, voc, vpath));
      } else if (c == Category.JAILBREAK) {
        fields(voc, vpath, Set.of("wrappers", "many_shot_preambles", "model_names"), Set.of());
        List<String> wrappers = texts(voc, "wrappers", vpath);
        slots(wrappers, vpath + ".wrappers", Set.of("payload"), "payload");
        List<String> preambles = texts(voc, "many_shot_preambles", vpath);
        slots(preambles, vpath + ".many_shot_preambles", Set.of(), null);
        jailbreak = new Vocabulary.Jailbreak(wrappers, preambles, texts(voc, "model_names", vpath));
      } else {
        fields(voc, vpath, Set.of("goals"), Set.of());
        otherGoals = headline(texts(voc, "goals", vpath), vpath + ".goals");
      }
    }

    JsonNode gen = object(root, "generator", "");
    String g = "generator";
    fields(gen, g, Set.of("registers", "framings", "personas", "evasive_modifiers", "benign", "completions", "encodings"), Set.of());
    List<String> registers = headline(texts(gen, "registers", g), g + ".registers");
    slots(registers, g + ".registers", Set.of("goal", "Goal"), null);
    for (int i = 0; i < registers.size(); i++) {
      if (!registers.get(i).contains("{goal}") && !registers.get(i).contains("{Goal}")) {
        throw new ConstitutionException(g + ".registers[" + i + "]", "must contain {goal} or {Goal}");
      }
    }
    List<String> framings = headline(texts(gen, "framings", g), g + ".framings");
    for (int i = 0; i < framings.size(); i++) {
      String f = framings.get(i);
      slot(f, g + ".framings[" + i + "]", Set.of("request", "request_lc"), null);
      if (!f.contains("{request}") && !f.contains("{request_lc}")) {
        throw new ConstitutionException(g + ".framings[" + i + "]", "must contain {request} or {request_lc}");
      }
    }
    List<String> personas = headline(texts(gen, "personas", g, true), g + ".personas");
    List<String> evasive = headline(texts(gen, "evasive_modifiers", g), g + ".evasive_modifiers");

    String b = g + ".benign";
    JsonNode benign = object(gen, "benign", g);
    fields(benign, b, Set.of("alarming_goals", "homework", "compliance"), Set.of());
    List<String> alarming = texts(benign, "alarming_goals", b);
    JsonNode hw = object(benign, "homework", b);
    fields(hw, b + ".homework", Set.of("templates", "slots"), Set.of());
    List<String> hwTemplates = texts(hw, "templates", b + ".homework");
    JsonNode slotNode = object(hw, "slots", b + ".homework");
    Map<String, List<String>> slotValues = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : slotNode.properties()) {
      slotValues.put(e.getKey(), texts(slotNode, e.getKey(), b + ".homework.slots"));
    }
    Set<String> hwSlots = new HashSet<>(slotValues.keySet());
    hwSlots.add("num");
    slots(hwTemplates, b + ".homework.templates", hwSlots, null);
    List<Vocabulary.Pair> compliance = pairs(benign, "compliance", b);

    String cp = g + ".completions";
    JsonNode comp = object(gen, "completions", g);
    fields(comp, cp, Set.of("refusals", "partial_refusals", "benign_continuations", "compliance_openings",
        "generic_openings", "placeholders", "benign_answers"), Set.of());
    Vocabulary.Completions completions = new Vocabulary.Completions(
        slotted(comp, "refusals", cp, Set.of("topic"), null),
        slotted(comp, "partial_refusals", cp, Set.of("topic"), null),
        slotted(comp, "benign_continuations", cp, Set.of(), null),
        slotted(comp, "compliance_openings", cp, Set.of("goal"), "goal"),
        slotted(comp, "generic_openings", cp, Set.of(), null),
        texts(comp, "placeholders", cp, true),
        slotted(comp, "benign_answers", cp, Set.of("topic"), "topic"));
    for (int i = 0; i < completions.placeholders().size(); i++) {
      String ph = completions.placeholders().get(i);
      if (!ph.isBlank() && !ph.contains("[")) {
        throw new ConstitutionException(cp + ".placeholders[" + i + "]", "must be empty or a bracketed redaction such as [REDACTED]");
      }
    }

    String ep = g + ".encodings";
    JsonNode enc = object(gen, "encodings", g);
    Set<String> encIds = new LinkedHashSet<>();
    for (Encoding e : Encoding.values()) {
      encIds.add(e.id());
    }
    fields(enc, ep, Set.of(), encIds);
    Map<Encoding, List<String>> encodings = new EnumMap<>(Encoding.class);
    for (Encoding e : Encoding.values()) {
      if (enc.has(e.id())) {
        encodings.put(e, slotted(enc, e.id(), ep, Set.of("encoded"), "encoded"));
      }
    }
    if (encodings.isEmpty()) {
      throw new ConstitutionException(ep, "must name at least one encoding");
    }

    Vocabulary vocabulary = new Vocabulary(
        cbrn, otherGoals, requireNonNull(jailbreak, "jailbreak"), registers, framings, personas, evasive, alarming,
        new Vocabulary.Homework(hwTemplates, slotValues), compliance, completions, encodings);
    return new Constitution(version, summary, Digests.sha256(bytes), policies, vocabulary);
  }

  private static Vocabulary.Cbrn cbrn(Category c, JsonNode voc, String path) {
    fields(voc, path, Set.of("targets", "intents", "allowed_intents", "allowed_questions", "keywords"), Set.of());
    List<Vocabulary.Target> targets = new ArrayList<>();
    JsonNode tl = array(voc, "targets", path);
    Set<String> kinds = new LinkedHashSet<>();
    for (int i = 0; i < tl.size(); i++) {
      String tp = path + ".targets[" + i + "]";
      JsonNode t = tl.get(i);
      if (!t.isObject()) {
        throw new ConstitutionException(tp, "must be a mapping with name and kind");
      }
      fields(t, tp, Set.of("name", "kind"), Set.of());
      String name = headlineOne(text(t, "name", tp), tp + ".name");
      String kind = text(t, "kind", tp);
      kinds.add(kind);
      targets.add(new Vocabulary.Target(name, kind));
    }
    List<Vocabulary.Intent> intents = intents(voc, "intents", path, kinds);
    List<Vocabulary.Intent> allowed = intents(voc, "allowed_intents", path, kinds);
    for (String kind : kinds) {
      if (intents.stream().noneMatch(in -> in.kinds().isEmpty() || in.kinds().contains(kind))) {
        throw new ConstitutionException(path + ".intents", "no intent fits targets of kind '" + kind + "'");
      }
    }
    List<String> questions = slotted(voc, "allowed_questions", path, Set.of("target"), "target");
    headline(questions, path + ".allowed_questions");

    String kp = path + ".keywords";
    JsonNode kw = object(voc, "keywords", path);
    fields(kw, kp, Set.of("terms"), Set.of("contextual"));
    List<String> terms = texts(kw, "terms", kp);
    List<Vocabulary.Contextual> contextual = new ArrayList<>();
    if (kw.has("contextual")) {
      JsonNode cl = array(kw, "contextual", kp);
      for (int i = 0; i < cl.size(); i++) {
        String cpath = kp + ".contextual[" + i + "]";
        JsonNode cn = cl.get(i);
        if (!cn.isObject()) {
          throw new ConstitutionException(cpath, "must be a mapping with terms and with/unless");
        }
        fields(cn, cpath, Set.of("terms"), Set.of("with", "unless"));
        List<String> with = cn.has("with") ? texts(cn, "with", cpath) : List.of();
        List<String> unless = cn.has("unless") ? texts(cn, "unless", cpath) : List.of();
        if (with.isEmpty() && unless.isEmpty()) {
          throw new ConstitutionException(cpath, "needs 'with' or 'unless' (otherwise list the terms as plain terms)");
        }
        contextual.add(new Vocabulary.Contextual(texts(cn, "terms", cpath), with, unless));
      }
    }
    return new Vocabulary.Cbrn(c, targets, intents, allowed, questions, new Vocabulary.Keywords(terms, contextual));
  }

  private static List<Vocabulary.Intent> intents(JsonNode voc, String key, String path, Set<String> kinds) {
    JsonNode list = array(voc, key, path);
    List<Vocabulary.Intent> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String ip = path + "." + key + "[" + i + "]";
      JsonNode n = list.get(i);
      if (!n.isObject()) {
        throw new ConstitutionException(ip, "must be a mapping with text and optional kinds");
      }
      fields(n, ip, Set.of("text"), Set.of("kinds"));
      String text = headlineOne(text(n, "text", ip), ip + ".text");
      slot(text, ip + ".text", Set.of("target"), null);
      Set<String> ks = Set.of();
      if (n.has("kinds")) {
        ks = new LinkedHashSet<>(texts(n, "kinds", ip));
        for (String k : ks) {
          if (!kinds.contains(k)) {
            throw new ConstitutionException(ip + ".kinds", "no target has kind '" + k + "'");
          }
        }
      }
      out.add(new Vocabulary.Intent(text, ks));
    }
    return out;
  }

  private static List<Vocabulary.Pair> pairs(JsonNode parent, String key, String path) {
    JsonNode list = array(parent, key, path);
    List<Vocabulary.Pair> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String pp = path + "." + key + "[" + i + "]";
      JsonNode n = list.get(i);
      if (!n.isObject()) {
        throw new ConstitutionException(pp, "must be a mapping with prompt and completion");
      }
      fields(n, pp, Set.of("prompt", "completion"), Set.of());
      out.add(new Vocabulary.Pair(text(n, "prompt", pp), text(n, "completion", pp)));
    }
    return out;
  }

  /** Fails on a missing required field or a field that is neither required nor optional. */
  private static void fields(JsonNode node, String path, Set<String> required, Set<String> optional) {
    for (String r : required) {
      if (!node.has(r) || node.get(r).isNull()) {
        throw new ConstitutionException(join(path, r), "is missing");
      }
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!required.contains(e.getKey()) && !optional.contains(e.getKey())) {
        throw new ConstitutionException(join(path, e.getKey()), "is not a known field");
      }
    }
  }

  private static JsonNode object(JsonNode parent, String key, String path) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      throw new ConstitutionException(join(path, key), "is missing");
    }
    if (!n.isObject()) {
      throw new ConstitutionException(join(path, key), "must be a mapping");
    }
    return n;
  }

  private static JsonNode array(JsonNode parent, String key, String path) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      throw new ConstitutionException(join(path, key), "is missing");
    }
    if (!n.isArray() || n.isEmpty()) {
      throw new ConstitutionException(join(path, key), "must be a non-empty list");
    }
    return n;
  }

  private static String text(JsonNode parent, String key, String path) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      throw new ConstitutionException(join(path, key), "is missing");
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw new ConstitutionException(join(path, key), "must be a non-empty string");
    }
    return n.textValue().strip();
  }

  private static List<String> texts(JsonNode parent, String key, String path) {
    return texts(parent, key, path, false);
  }

  private static List<String> texts(JsonNode parent, String key, String path, boolean emptyEntriesAllowed) {
    JsonNode list = array(parent, key, path);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String ip = join(path, key) + "[" + i + "]";
      if (!n.isTextual()) {
        throw new ConstitutionException(ip, "must be a string");
      }
      if (!emptyEntriesAllowed && n.textValue().isBlank()) {
        throw new ConstitutionException(ip, "must not be empty");
      }
      // Placeholders keep their leading newlines; everything else is trimmed.
      out.add(emptyEntriesAllowed ? n.textValue() : n.textValue().strip());
    }
    return out;
  }

  private static List<String> slotted(JsonNode parent, String key, String path, Set<String> allowed, @Nullable String required) {
    List<String> list = texts(parent, key, path);
    slots(list, join(path, key), allowed, required);
    return list;
  }

  /** Each template of a list uses only allowed slots, and the required one if any. */
  private static void slots(List<String> templates, String path, Set<String> allowed, @Nullable String required) {
    for (int i = 0; i < templates.size(); i++) {
      slot(templates.get(i), path + "[" + i + "]", allowed, required);
    }
  }

  private static void slot(String template, String path, Set<String> allowed, @Nullable String required) {
    Matcher m = SLOT.matcher(template);
    while (m.find()) {
      if (!allowed.contains(m.group(1))) {
        throw new ConstitutionException(path, "unknown slot {" + m.group(1) + "}, allowed: " + allowed);
      }
    }
    if (required != null && !template.contains("{" + required + "}")) {
      throw new ConstitutionException(path, "must contain {" + required + "}");
    }
  }

  /** Headline level: no digits (no quantities, temperatures, strains or part numbers). */
  private static List<String> headline(List<String> texts, String path) {
    for (int i = 0; i < texts.size(); i++) {
      headlineOne(texts.get(i), path + "[" + i + "]");
    }
    return texts;
  }

  private static String headlineOne(String text, String path) {
    if (DIGIT.matcher(text).find()) {
      throw new ConstitutionException(path, "must not contain digits: the vocabulary stays at headline level");
    }
    return text;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
