package dev.bulwark.response.stix;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.Family;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.Report;
import dev.bulwark.response.ReportSource;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.review.Redactor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STIX 2.1 export and import of attack families.
 *
 * <p>Export: an {@code identity} for the producer, an {@code attack-pattern} for the family (with the
 * family's example prompts, redacted, in {@code x_bulwark_exchanges}), one {@code indicator} per
 * distinct example (pattern type {@code stix}: {@code [x-bulwark-prompt:value = '...']}, the redacted
 * attack message), {@code relationship}s (indicator indicates attack-pattern) and a {@code report}
 * referring to them all. Scrubbed: no reporter, account or key; no completion (it may carry what the
 * attack extracted); personal data masked. Ids are UUIDv5 from the producer and family, so exporting
 * again gives the same ids.
 *
 * <p>Import: each attack-pattern of a bundle (those a report refers to, else all) becomes a partner
 * report: its exchanges from {@code x_bulwark_exchanges} when present, else from the prompt patterns
 * of the indicators that indicate it. Malformed bundles are refused with the path of the problem.
 */
public final class Stix {
  private static final UUID NAMESPACE = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern PROMPT_PATTERN = Pattern.compile("^\\[x-bulwark-prompt:value\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'\\]$", Pattern.DOTALL);
  private static final Pattern ID = Pattern.compile("^[a-z][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private final ResponseStore store;
  private final Redactor redactor;
  private final String producer;

  public Stix(ResponseStore store, Redactor redactor, String producer) {
    this.store = requireNonNull(store, "store");
    this.redactor = requireNonNull(redactor, "redactor");
    this.producer = requireNonNull(producer, "producer");
  }

  /** The family as a bundle. */
  public ObjectNode export(String familyId) {
    Family f = store.family(familyId).orElseThrow(() -> new ResponseException("no family " + familyId));
    Set<String> seen = new LinkedHashSet<>();
    List<Exchange> exchanges = new ArrayList<>();
    for (Report r : store.reports(familyId)) {
      for (Exchange e : r.exchanges()) {
        List<Turn> turns = new ArrayList<>();
        for (Turn t : e.prompt()) {
          turns.add(new Turn(t.role(), redactor.redact(t.text())));
        }
        Exchange scrubbed = new Exchange(turns, null);
        if (seen.add(Json.write(Json.exchange(scrubbed)))) {
          exchanges.add(scrubbed);
        }
      }
    }
    String created = TIME.format(f.createdAt().truncatedTo(ChronoUnit.MILLIS));
    String identity = "identity--" + uuid5("identity:" + producer);
    String pattern = "attack-pattern--" + uuid5(producer + ":family:" + familyId);
    ArrayNode objects = Json.array();
    objects.add(common("identity", identity, created).put("name", producer).put("identity_class", "organization"));
    ObjectNode ap = common("attack-pattern", pattern, created).put("created_by_ref", identity)
        .put("name", redactor.redact(f.name()))
        .put("description", "A family of jailbreak prompts against AI model safeguards (" + exchanges.size()
            + " example" + (exchanges.size() == 1 ? "" : "s") + "). Personal data is masked.");
    ap.putArray("external_references").addObject().put("source_name", "bulwark").put("external_id", familyId);
    ap.put("x_bulwark_family", familyId);
    ap.set("x_bulwark_exchanges", Json.exchanges(exchanges));
    objects.add(ap);
    ArrayNode refs = Json.array().add(pattern);
    for (int i = 0; i < exchanges.size(); i++) {
      String ind = "indicator--" + uuid5(producer + ":family:" + familyId + ":indicator:" + i);
      objects.add(common("indicator", ind, created).put("created_by_ref", identity)
          .put("name", familyId + " example " + (i + 1))
          .put("pattern_type", "stix")
          .put("pattern", "[x-bulwark-prompt:value = '" + escape(exchanges.get(i).lastUserText()) + "']")
          .put("valid_from", created)
          .set("indicator_types", Json.array().add("malicious-activity")));
      String rel = "relationship--" + uuid5(producer + ":family:" + familyId + ":rel:" + i);
      objects.add(common("relationship", rel, created).put("created_by_ref", identity)
          .put("relationship_type", "indicates").put("source_ref", ind).put("target_ref", pattern));
      refs.add(ind).add(rel);
    }
    ObjectNode report = common("report", "report--" + uuid5(producer + ":family:" + familyId + ":report"), created)
        .put("created_by_ref", identity).put("name", "Jailbreak family " + familyId).put("published", created);
    report.set("report_types", Json.array().add("attack-pattern"));
    report.set("object_refs", refs);
    objects.add(report);
    ObjectNode bundle = Json.object().put("type", "bundle").put("id", "bundle--" + uuid5(producer + ":bundle:" + familyId));
    bundle.set("objects", objects);
    return bundle;
  }

  /**
   * The reports a bundle holds.
   *
   * @throws IllegalArgumentException naming the path of the first problem
   */
  public List<NewReport> parse(JsonNode bundle) {
    if (!bundle.isObject() || !"bundle".equals(bundle.path("type").asText())) {
      throw new IllegalArgumentException("$.type: not a STIX bundle");
    }
    checkId(bundle.path("id").asText(), "$.id");
    JsonNode objects = bundle.path("objects");
    if (!objects.isArray()) {
      throw new IllegalArgumentException("$.objects: missing or not a list");
    }
    Map<String, JsonNode> byId = new HashMap<>();
    for (int i = 0; i < objects.size(); i++) {
      JsonNode o = objects.get(i);
      String where = "$.objects[" + i + "]";
      if (!o.path("type").isTextual()) {
        throw new IllegalArgumentException(where + ".type: missing");
      }
      if (!"2.1".equals(o.path("spec_version").asText())) {
        throw new IllegalArgumentException(where + ".spec_version: must be 2.1, was " + o.path("spec_version"));
      }
      String id = o.path("id").asText();
      checkId(id, where + ".id");
      if (!id.startsWith(o.path("type").asText() + "--")) {
        throw new IllegalArgumentException(where + ".id: " + id + " does not match type " + o.path("type").asText());
      }
      byId.put(id, o);
    }
    Set<String> patterns = new LinkedHashSet<>();
    for (JsonNode o : byId.values()) {
      if (o.path("type").asText().equals("report")) {
        for (JsonNode ref : o.path("object_refs")) {
          if (ref.asText().startsWith("attack-pattern--")) {
            patterns.add(ref.asText());
          }
        }
      }
    }
    if (patterns.isEmpty()) {
      for (int i = 0; i < objects.size(); i++) {
        if (objects.get(i).path("type").asText().equals("attack-pattern")) {
          patterns.add(objects.get(i).path("id").asText());
        }
      }
    }
    List<NewReport> out = new ArrayList<>();
    for (String pid : patterns) {
      JsonNode ap = byId.get(pid);
      if (ap == null) {
        throw new IllegalArgumentException("a report refers to " + pid + ", which the bundle lacks");
      }
      List<Exchange> exchanges = new ArrayList<>();
      if (ap.has("x_bulwark_exchanges")) {
        try {
          exchanges.addAll(Json.exchanges(ap.get("x_bulwark_exchanges")));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(pid + ".x_bulwark_exchanges: " + e.getMessage(), e);
        }
      } else {
        for (JsonNode o : byId.values()) {
          if (o.path("type").asText().equals("relationship") && o.path("relationship_type").asText().equals("indicates")
              && o.path("target_ref").asText().equals(pid)) {
            JsonNode ind = byId.get(o.path("source_ref").asText());
            if (ind != null && ind.path("pattern_type").asText().equals("stix")) {
              Matcher m = PROMPT_PATTERN.matcher(ind.path("pattern").asText());
              if (m.matches()) {
                exchanges.add(Exchange.ofText(unescape(m.group(1))));
              }
            }
          }
        }
      }
      if (exchanges.isEmpty()) {
        throw new IllegalArgumentException(pid + ": no example prompts (x_bulwark_exchanges or prompt indicators)");
      }
      JsonNode creator = byId.get(ap.path("created_by_ref").asText());
      String partner = creator != null ? creator.path("name").asText("partner") : "partner";
      out.add(new NewReport(ReportSource.PARTNER, ap.path("name").asText("partner report"), partner, null, pid, exchanges));
    }
    return out;
  }

  private static ObjectNode common(String type, String id, String created) {
    return Json.object().put("type", type).put("spec_version", "2.1").put("id", id).put("created", created).put("modified", created);
  }

  private static void checkId(String id, String where) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(where + ": '" + id + "' is not a STIX identifier (type--uuid)");
    }
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'");
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        b.append(s.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A name-based UUID (version 5, SHA-1) in a fixed namespace. */
  static UUID uuid5(String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      ByteBuffer ns = ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
      sha1.update(ns.array());
      byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
      h[6] = (byte) ((h[6] & 0x0f) | 0x50);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is always available", e);
    }
  }

  /** For tests: the time format STIX timestamps use. */
  static String time(Instant t) {
    return TIME.format(t);
  }
}
