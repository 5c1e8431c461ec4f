package dev.bulwark.bench.jmh;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.app.config.ConfigLoader;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.Action;
import dev.bulwark.core.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The text and configuration the benchmarks share: ordinary English, the embedded defaults' rules. */
public final class BenchText {
  /** Ordinary prose, none of which matches a default rule. */
  static final String PARAGRAPH =
      "The quarterly review went well and the team agreed on the plan for the next release. "
          + "We moved the storage cluster to the new region two days early, and the search service now "
          + "answers most queries in under forty milliseconds. Next sprint we will write clearer "
          + "onboarding notes, retire the old build scripts, and measure how long a new engineer takes "
          + "to ship a first change. Please send comments on the draft before Friday so that we can "
          + "publish it with the release notes. ";

  /** The pattern rule that the "stream-pattern" variants add, scoped to completions too. */
  static final String PATTERN = "\\byou are (now )?DAN\\b|\\bdo anything now\\b";

  private BenchText() {}

  /** The embedded defaults (bulwark-default.yaml), loaded as {@code bulwark serve} loads them. */
  public static BulwarkConfig defaults() {
    try {
      return new ConfigLoader(Map.of()).load(null);
    } catch (ConfigException e) {
      throw new IllegalStateException("the embedded defaults do not load: " + e.getMessage(), e);
    }
  }

  /**
   * The rules of the defaults' phrase stage; with {@code streamPattern}, plus a regex rule that also
   * applies to completions (the defaults' only pattern is for prompts), to show what a streamed pattern
   * costs.
   */
  public static List<PhraseRule> rules(BulwarkConfig config, boolean streamPattern) {
    List<PhraseRule> rules = new ArrayList<>();
    for (BulwarkConfig.StageSpec spec : config.stages()) {
      if (spec instanceof BulwarkConfig.PhraseList p) {
        rules.addAll(p.rules());
      }
    }
    if (rules.isEmpty()) {
      throw new IllegalStateException("the embedded defaults have no phrase rules");
    }
    if (streamPattern) {
      rules.add(PhraseRule.pattern("bench.stream-pattern", "jailbreak", Action.FLAG, PATTERN, 32,
          PhraseRule.Scope.BOTH));
    }
    return rules;
  }

  /** The policy the defaults give the {@code standard} tier. */
  public static Policy standardPolicy(BulwarkConfig config) {
    Policy p = config.policies().get(config.tiers().get("standard"));
    if (p == null) {
      throw new IllegalStateException("the embedded defaults have no policy for the standard tier");
    }
    return p;
  }

  /** {@code words} words of ordinary prose. */
  public static String words(int words) {
    String[] w = PARAGRAPH.trim().split("\\s+");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(w[i % w.length]);
    }
    return sb.toString();
  }

  /**
   * Prose cut into tokens of about four characters, as a model streams it: {@code count} tokens, a
   * power of two so that a benchmark can cycle through them with a mask.
   */
  public static String[] tokens(int count) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("count must be a power of two, was " + count);
    }
    String[] out = new String[count];
    StringBuilder text = new StringBuilder();
    while (text.length() < count * 4) {
      text.append(PARAGRAPH);
    }
    for (int i = 0; i < count; i++) {
      out[i] = text.substring(i * 4, i * 4 + 4);
    }
    return out;
  }
}
