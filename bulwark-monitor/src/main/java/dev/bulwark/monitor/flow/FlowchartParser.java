package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.analyzer.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads and validates flowchart files. Every check runs at load, so a flowchart that loads can run:
 *
 * <ul>
 *   <li>analyzers must be registered, and their settings valid;
 *   <li>edges lead to existing nodes and existing actions; conditions compile, read only fields the
 *       analyzer declares, and read only nodes that run before the edge (the edge's own node or its
 *       ancestors);
 *   <li>the graph has no cycles and every node is reachable from a start node;
 *   <li>actions are well formed (a step-down names a tier allowed for step-downs, a webhook an
 *       http(s) URL) and risk thresholds increase.
 * </ul>
 *
 * Errors are {@link FlowchartException}s that name the node at fault.
 *
 * <p>A node marked {@code optional: true} whose analyzer cannot run in this deployment (the LLM judge
 * without a configured model) is left out, with the edges into it; nodes reachable only through it
 * are left out too.
 *
 * <p>The file:
 *
 * <pre>{@code
 * version: default-1
 * start: [triage, rules]
 * nodes:
 *   triage:
 *     analyzer: exchange_classifier
 *     settings: {stage: 1}
 *     findings: false            # steers the run; its findings do not count
 *     next:
 *       - when: "triage.score >= 0.3"
 *         to: deep
 *   deep:
 *     analyzer: exchange_classifier
 *     settings: {stage: 2}
 *     next:
 *       - when: "deep.finding"
 *         do: [review]
 *   rules:
 *     analyzer: rules
 * actions:
 *   review: {type: review, priority: normal}
 * risk:
 *   half_life: 24h
 *   weights: {low: 1, medium: 3, high: 8, critical: 20}
 *   thresholds:
 *     - {at: 10, do: [review]}
 * }</pre>
 */
public final class FlowchartParser {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Set<String> RESERVED =
      Set.of("account", "exchange", "meta", "true", "false", "and", "or", "not", "in");
  private static final Set<String> NODE_FIELDS =
      Set.of("score", "category", "finding", "failed", "ran", "labels");

  private final AnalyzerRegistry registry;
  private final Set<String> stepDownTiers;
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  /**
   * @param registry the analyzers nodes may name
   * @param stepDownTiers the tiers step-down actions may use (the access layer's rule: a step-down
   *     may never land on an adjusted tier)
   */
  public FlowchartParser(AnalyzerRegistry registry, Set<String> stepDownTiers) {
    this.registry = requireNonNull(registry, "registry");
    this.stepDownTiers = Set.copyOf(stepDownTiers);
  }

  /** The default flowchart shipped with the monitor. */
  public static final String DEFAULT_RESOURCE = "/dev/bulwark/monitor/default-flowchart.yaml";

  /** Parses the default flowchart. */
  public Flowchart parseDefault() {
    try (InputStream in = FlowchartParser.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the default flowchart is missing from the build: " + DEFAULT_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:default-flowchart.yaml");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the default flowchart: " + e.getMessage(), e);
    }
  }

  /** Parses a file. */
  public Flowchart parse(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses {@code text}.
   *
   * @param source where it came from, for messages and {@link Flowchart#source()}
   * @throws FlowchartException naming what is wrong
   */
  public Flowchart parse(String text, String source) {
    requireNonNull(text, "text");
    requireNonNull(source, "source");
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JacksonException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new FlowchartException(null, "flowchart " + source + " is not valid YAML" + where + ": "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FlowchartException(null, "flowchart " + source + ": must be a mapping with nodes, start, actions");
    }
    try {
      return build(root, text, source);
    } catch (IllegalArgumentException e) {
      throw new FlowchartException(null, "flowchart " + source + ": " + e.getMessage(), e);
    }
  }

  private Flowchart build(JsonNode root, String text, String source) {
    Settings top = Settings.of("flowchart", root).allow("version", "description", "start", "nodes", "actions", "risk");
    String version = top.string("version", "unversioned");
    if (!Pattern.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}", version)) {
      throw new IllegalArgumentException("version: letters, digits, '.', '_' and '-' only, was '" + version + "'");
    }
    Map<String, ActionSpec> actions = actions(root.get("actions"));

    // Nodes, first pass: analyzers and flags.
    JsonNode nodesNode = root.get("nodes");
    if (nodesNode == null || !nodesNode.isObject() || nodesNode.isEmpty()) {
      throw new IllegalArgumentException("nodes: define at least one node");
    }
    Map<String, RawNode> raw = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : nodesNode.properties()) {
      raw.put(e.getKey(), node(e.getKey(), e.getValue()));
    }

    List<String> start = top.strings("start");
    if (start.isEmpty()) {
      throw new IllegalArgumentException("start: name the nodes every exchange starts at");
    }
    for (String s : start) {
      if (!raw.containsKey(s)) {
        throw new FlowchartException(s, "start: names node '" + s + "', which is not defined; nodes: "
            + String.join(", ", raw.keySet()));
      }
    }

    // Edges' targets and actions.
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (RawNode n : raw.values()) {
      List<String> targets = new ArrayList<>();
      for (RawEdge e : n.edges) {
        if (e.to != null) {
          if (!raw.containsKey(e.to)) {
            throw new FlowchartException(n.name, where(n.name, e.index) + ": 'to' names '" + e.to
                + "', which is not a node; nodes: " + String.join(", ", raw.keySet()));
          }
          if (e.to.equals(n.name)) {
            throw new FlowchartException(n.name, where(n.name, e.index) + ": leads back to its own node (a cycle)");
          }
          targets.add(e.to);
        }
        for (String a : e.actions) {
          if (!actions.containsKey(a)) {
            throw new FlowchartException(n.name, where(n.name, e.index) + ": 'do' names action '" + a
                + "', which is not defined" + (actions.isEmpty() ? "" : "; actions: " + String.join(", ", actions.keySet())));
          }
        }
      }
      out.put(n.name, targets);
    }
    checkAcyclic(out);
    Set<String> reachable = reachable(start, out, Set.of());
    for (String name : raw.keySet()) {
      if (!reachable.contains(name)) {
        throw new FlowchartException(name, "node '" + name + "': not reachable from start "
            + start + ": no edge leads to it");
      }
    }

    // Conditions, now that ancestry is known.
    Map<String, Set<String>> ancestors = ancestors(raw.keySet(), out);
    Map<String, List<Edge>> edges = new HashMap<>();
    for (RawNode n : raw.values()) {
      List<Edge> list = new ArrayList<>();
      for (RawEdge e : n.edges) {
        Condition c = Condition.ALWAYS;
        if (e.when != null) {
          Set<String> visible = new HashSet<>(ancestors.get(n.name));
          visible.add(n.name);
          try {
            c = Condition.parse(e.when, (node, field) -> resolve(raw, visible, n.name, node, field));
          } catch (IllegalArgumentException ex) {
            throw new FlowchartException(n.name, where(n.name, e.index) + ": condition '" + e.when + "' "
                + ex.getMessage(), ex);
          }
        }
        list.add(new Edge(n.name, e.index, c, e.to, e.actions));
      }
      edges.put(n.name, list);
    }

    // Optional nodes whose analyzer cannot run here are left out, with what only they lead to.
    Set<String> dropped = new LinkedHashSet<>();
    for (RawNode n : raw.values()) {
      if (n.analyzer == null) {
        dropped.add(n.name);
      }
    }
    List<String> liveStart = new ArrayList<>();
    for (String s : start) {
      if (!dropped.contains(s)) {
        liveStart.add(s);
      }
    }
    if (!dropped.isEmpty()) {
      Set<String> stillReachable = reachable(liveStart, out, dropped);
      for (String name : raw.keySet()) {
        if (!stillReachable.contains(name)) {
          dropped.add(name);
        }
      }
    }
    if (liveStart.isEmpty()) {
      throw new IllegalArgumentException("start: every start node is optional and cannot run here: " + dropped);
    }

    List<FlowNode> ordered = new ArrayList<>();
    for (String name : topologicalOrder(raw.keySet(), out)) {
      if (dropped.contains(name)) {
        continue;
      }
      RawNode n = raw.get(name);
      List<Edge> kept = new ArrayList<>();
      for (Edge e : edges.get(name)) {
        if (e.to() != null && dropped.contains(e.to())) {
          if (!e.actions().isEmpty()) {
            kept.add(new Edge(e.from(), e.index(), e.condition(), null, e.actions()));
          }
        } else {
          kept.add(e);
        }
      }
      ordered.add(new FlowNode(name, n.analyzerName, requireNonNull(n.analyzer), n.keepsFindings, kept));
    }
    RiskPolicy risk = risk(root.get("risk"), actions);
    return new Flowchart(version, digest(text), source, ordered, new LinkedHashSet<>(liveStart), actions, risk, dropped);
  }

  private Condition.Type resolve(Map<String, RawNode> raw, Set<String> visible, String from, String node, String field) {
    RawNode target = raw.get(node);
    if (target == null) {
      throw new IllegalArgumentException("reads '" + node + "', which is not a node");
    }
    if (!visible.contains(node)) {
      throw new IllegalArgumentException("reads '" + node + "', which never runs before this edge"
          + " (only '" + from + "' and the nodes before it can be read)");
    }
    if (NODE_FIELDS.contains(field)) {
      return switch (field) {
        case "score" -> Condition.Type.NUMBER;
        case "category" -> Condition.Type.TEXT;
        case "labels" -> Condition.Type.TEXT_SET;
        default -> Condition.Type.BOOLEAN;
      };
    }
    if (target.factory.values().contains(field)) {
      return Condition.Type.NUMBER;
    }
    Set<String> known = new TreeSet<>(NODE_FIELDS);
    known.addAll(target.factory.values());
    throw new IllegalArgumentException("unknown field '" + node + "." + field + "'; "
        + target.analyzerName + " outputs: " + String.join(", ", known));
  }

  private RawNode node(String name, JsonNode value) {
    if (!NAME.matcher(name).matches()) {
      throw new FlowchartException(name, "node '" + name + "': names are lower case letters, digits and '_'");
    }
    if (RESERVED.contains(name)) {
      throw new FlowchartException(name, "node '" + name + "': the name is reserved for conditions");
    }
    Settings s;
    try {
      s = Settings.of("node '" + name + "'", value).allow("analyzer", "settings", "findings", "optional", "next", "description");
    } catch (IllegalArgumentException e) {
      throw new FlowchartException(name, e.getMessage(), e);
    }
    String analyzerName = s.string("analyzer", "");
    if (analyzerName.isEmpty()) {
      throw new FlowchartException(name, "node '" + name + "': 'analyzer' is required; registered: "
          + String.join(", ", registry.names()));
    }
    AnalyzerFactory factory = registry.get(analyzerName).orElseThrow(() -> new FlowchartException(name,
        "node '" + name + "': unknown analyzer '" + analyzerName + "'; registered: " + String.join(", ", registry.names())));
    boolean optional = bool(name, s, "optional", false);
    boolean keepsFindings = bool(name, s, "findings", true);
    @Nullable Analyzer analyzer = null;
    if (factory.available()) {
      try {
        analyzer = factory.create(Settings.of("settings", value.get("settings")));
      } catch (IllegalArgumentException e) {
        throw new FlowchartException(name, "node '" + name + "': " + e.getMessage(), e);
      }
      if (!(analyzer.costUnits() >= 0)) {
        throw new FlowchartException(name, "node '" + name + "': analyzer " + analyzerName
            + " declares a negative cost");
      }
    } else if (!optional) {
      throw new FlowchartException(name, "node '" + name + "': analyzer '" + analyzerName + "' cannot run here ("
          + factory.unavailableReason() + "); configure it, or mark the node 'optional: true'");
    }
    List<RawEdge> edges = new ArrayList<>();
    JsonNode next = value.get("next");
    if (next != null && !next.isNull()) {
      if (!next.isArray()) {
        throw new FlowchartException(name, "node '" + name + "': next: must be a list of edges");
      }
      int i = 0;
      for (JsonNode e : next) {
        i++;
        edges.add(edge(name, i, e));
      }
    }
    return new RawNode(name, analyzerName, factory, analyzer, keepsFindings, edges);
  }

  private static boolean bool(String node, Settings s, String key, boolean fallback) {
    try {
      return s.bool(key, fallback);
    } catch (IllegalArgumentException e) {
      throw new FlowchartException(node, e.getMessage(), e);
    }
  }

  private static RawEdge edge(String node, int index, JsonNode e) {
    try {
      Settings s = Settings.of(where(node, index), e).allow("when", "to", "do");
      String when = s.has("when") ? s.string("when", "") : null;
      if (when != null && when.isBlank()) {
        throw new IllegalArgumentException(where(node, index) + ": 'when' is empty; leave it out for an edge that always fires");
      }
      String to = s.has("to") ? s.string("to", "") : null;
      List<String> actions = s.strings("do");
      if (to == null && actions.isEmpty()) {
        throw new IllegalArgumentException(where(node, index) + ": needs 'to' (a node) or 'do' (actions), or both");
      }
      if (new HashSet<>(actions).size() != actions.size()) {
        throw new IllegalArgumentException(where(node, index) + ": 'do' names an action twice");
      }
      return new RawEdge(index, when, to, actions);
    } catch (IllegalArgumentException ex) {
      throw new FlowchartException(node, ex.getMessage(), ex);
    }
  }

  private Map<String, ActionSpec> actions(@Nullable JsonNode node) {
    Map<String, ActionSpec> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("actions: must be a mapping of name to action");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String path = "actions." + name;
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(path + ": names are lower case letters, digits and '_'");
      }
      Settings s = Settings.of(path, e.getValue());
      String typeName = s.string("type", "");
      ActionType type = ActionType.parse(typeName).orElseThrow(() -> new IllegalArgumentException(
          path + ".type: must be one of flag, incident, review, step_down, suspend_keys, webhook, was '" + typeName + "'"));
      Severity severity = null;
      String priority = "normal";
      String tier = null;
      URI url = null;
      String secretEnv = null;
      switch (type) {
        case FLAG, SUSPEND_KEYS -> s.allow("type");
        case INCIDENT -> {
          s.allow("type", "severity");
          if (s.has("severity")) {
            String sev = s.string("severity", "");
            severity = Severity.parse(sev).orElseThrow(() -> new IllegalArgumentException(
                path + ".severity: must be low, medium, high or critical, was '" + sev + "'"));
          }
        }
        case REVIEW -> {
          s.allow("type", "priority");
          priority = s.choice("priority", "normal", "low", "normal", "high");
        }
        case STEP_DOWN -> {
          s.allow("type", "tier");
          tier = s.string("tier", "");
          if (tier.isEmpty()) {
            throw new IllegalArgumentException(path + ".tier: name the tier to step down to");
          }
          if (!stepDownTiers.contains(tier)) {
            throw new IllegalArgumentException(path + ".tier: '" + tier + "' is not a tier allowed for step-downs ("
                + (stepDownTiers.isEmpty() ? "none is" : String.join(", ", new TreeSet<>(stepDownTiers))) + ")");
          }
        }
        case WEBHOOK -> {
          s.allow("type", "url", "secret_env");
          String u = s.string("url", "");
          try {
            url = new URI(u);
          } catch (URISyntaxException ex) {
            throw new IllegalArgumentException(path + ".url: not a URL: '" + u + "'");
          }
          if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException(path + ".url: must be an http or https URL, was '" + u + "'");
          }
          if (s.has("secret_env")) {
            secretEnv = s.string("secret_env", "");
          }
        }
        default -> throw new IllegalStateException("unhandled action type " + type);
      }
      out.put(name, new ActionSpec(name, type, severity, priority, tier, url, secretEnv));
    }
    return out;
  }

  private static RiskPolicy risk(@Nullable JsonNode node, Map<String, ActionSpec> actions) {
    if (node == null || node.isNull()) {
      return RiskPolicy.DEFAULT;
    }
    Settings s = Settings.of("risk", node).allow("half_life", "weights", "thresholds");
    Duration halfLife = s.duration("half_life", Duration.ofDays(1));
    if (halfLife.isZero()) {
      throw new IllegalArgumentException("risk.half_life: must be positive");
    }
    Map<Severity, Double> weights = new HashMap<>();
    if (s.has("weights")) {
      Settings w = Settings.of("risk.weights", node.get("weights")).allow("low", "medium", "high", "critical");
      for (Severity sev : Severity.values()) {
        if (w.has(sev.wireName())) {
          weights.put(sev, w.number(sev.wireName(), 0, 0, 1_000_000));
        }
      }
    }
    List<RiskPolicy.Threshold> thresholds = new ArrayList<>();
    double last = 0;
    for (Settings t : s.list("thresholds")) {
      t.allow("at", "do");
      if (!t.has("at")) {
        throw new IllegalArgumentException(t.path() + ".at: required");
      }
      double at = t.number("at", 0, 0.000001, 1_000_000);
      if (at <= last) {
        throw new IllegalArgumentException(t.path() + ".at: thresholds must increase, " + at + " follows " + last);
      }
      last = at;
      List<String> names = t.strings("do");
      if (names.isEmpty()) {
        throw new IllegalArgumentException(t.path() + ".do: name at least one action");
      }
      for (String a : names) {
        if (!actions.containsKey(a)) {
          throw new IllegalArgumentException(t.path() + ".do: action '" + a + "' is not defined");
        }
      }
      thresholds.add(new RiskPolicy.Threshold(at, names));
    }
    return new RiskPolicy(halfLife, weights, thresholds);
  }

  private static void checkAcyclic(Map<String, List<String>> out) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : out.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      // Iterative DFS keeping the path, so the message can show the cycle.
      Deque<String> path = new ArrayDeque<>();
      Deque<Iterator<String>> its = new ArrayDeque<>();
      path.push(start);
      its.push(out.get(start).iterator());
      state.put(start, 1);
      while (!path.isEmpty()) {
        Iterator<String> it = its.peek();
        if (it.hasNext()) {
          String next = it.next();
          Integer st = state.get(next);
          if (st == null) {
            state.put(next, 1);
            path.push(next);
            its.push(out.get(next).iterator());
          } else if (st == 1) {
            List<String> cycle = new ArrayList<>();
            List<String> onPath = new ArrayList<>(path);
            java.util.Collections.reverse(onPath);
            boolean in = false;
            for (String p : onPath) {
              in |= p.equals(next);
              if (in) {
                cycle.add(p);
              }
            }
            cycle.add(next);
            throw new FlowchartException(next, "node '" + next + "': is in a cycle: " + String.join(" -> ", cycle));
          }
        } else {
          state.put(path.pop(), 2);
          its.pop();
        }
      }
    }
  }

  private static Set<String> reachable(List<String> start, Map<String, List<String>> out, Set<String> blocked) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String s : start) {
      if (!blocked.contains(s) && seen.add(s)) {
        todo.add(s);
      }
    }
    while (!todo.isEmpty()) {
      for (String n : out.get(todo.poll())) {
        if (!blocked.contains(n) && seen.add(n)) {
          todo.add(n);
        }
      }
    }
    return seen;
  }

  private static Map<String, Set<String>> ancestors(Set<String> names, Map<String, List<String>> out) {
    Map<String, Set<String>> anc = new HashMap<>();
    for (String n : names) {
      anc.put(n, new HashSet<>());
    }
    for (String n : names) {
      for (String d : reachable(List.of(n), out, Set.of())) {
        if (!d.equals(n)) {
          anc.get(d).add(n);
        }
      }
    }
    return anc;
  }

  /** Kahn's algorithm; among ready nodes, the one declared first goes first. */
  private static List<String> topologicalOrder(Set<String> names, Map<String, List<String>> out) {
    Map<String, Integer> indegree = new LinkedHashMap<>();
    for (String n : names) {
      indegree.put(n, 0);
    }
    for (List<String> targets : out.values()) {
      for (String t : targets) {
        indegree.merge(t, 1, Integer::sum);
      }
    }
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (order.size() < names.size()) {
      String next = null;
      for (Map.Entry<String, Integer> e : indegree.entrySet()) {
        if (e.getValue() == 0 && !done.contains(e.getKey())) {
          next = e.getKey();
          break;
        }
      }
      if (next == null) {
        throw new IllegalStateException("cycle survived the check");
      }
      done.add(next);
      order.add(next);
      for (String t : out.get(next)) {
        indegree.merge(t, -1, Integer::sum);
      }
    }
    return order;
  }

  private static String where(String node, int edge) {
    return "node '" + node + "' edge " + edge;
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  private record RawEdge(int index, @Nullable String when, @Nullable String to, List<String> actions) {}

  private record RawNode(String name, String analyzerName, AnalyzerFactory factory, @Nullable Analyzer analyzer,
      boolean keepsFindings, List<RawEdge> edges) {}
}
