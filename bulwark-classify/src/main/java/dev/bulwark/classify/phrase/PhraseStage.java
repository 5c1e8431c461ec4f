package dev.bulwark.classify.phrase;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import dev.bulwark.core.pipeline.StreamingStage;
import dev.bulwark.core.pipeline.Turn;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * Matches a configured list of phrases and patterns against prompts and streamed completions.
 *
 * <p>Streaming: phrases are found with an Aho-Corasick automaton whose state carries over between
 * chunks, at constant work per character, and the stage holds back exactly the text that could still
 * begin a phrase. A pattern is judged on a window: the stage keeps the last {@code max_length}
 * characters of each channel and rescans that window with each chunk (work bounded by {@code
 * max_length}), and holds back the text from the earliest position where a match attempt ran into the
 * end of the input ({@link Matcher#hitEnd()}), i.e. where more text could still complete a match.
 *
 * <p>A match scores its rule's category 1.0. The verdict's reason is the rule id, never the matched
 * text.
 */
public final class PhraseStage implements PromptStage, StreamingStage {
  private final String name;
  private final String version;
  private final Rules prompt;
  private final Rules completion;

  /**
   * @param name the stage's name in configuration and verdicts
   * @param rules the rules, in priority order: when several match, the first block wins
   */
  public PhraseStage(String name, List<PhraseRule> rules) {
    this.name = requireNonNull(name, "name");
    List<PhraseRule> all = List.copyOf(rules);
    this.version = "rules-" + digest(all);
    this.prompt = new Rules(all.stream().filter(r -> r.scope().prompt()).toList());
    this.completion = new Rules(all.stream().filter(r -> r.scope().completion()).toList());
  }

  @Override
  public String name() {
    return name;
  }

  /** {@code rules-} and the first 12 hex digits of a SHA-256 over the rules. */
  @Override
  public String version() {
    return version;
  }

  @Override
  public Assessment assess(Conversation conversation) {
    Match match = null;
    for (Turn turn : conversation.turns()) {
      Scan scan = new Scan(prompt);
      Match m = scan.feed(turn.text(), true);
      match = Match.worse(match, m);
      if (match != null && match.rule.action() == Action.BLOCK) {
        break;
      }
    }
    return match == null ? Assessment.ALLOW : match.assessment();
  }

  @Override
  public StreamSession open(Conversation conversation) {
    return new Session();
  }

  private static String digest(List<PhraseRule> rules) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (PhraseRule r : rules) {
        sha.update(r.fingerprint().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** The rules of one scope, with their phrase automaton. */
  private static final class Rules {
    final List<PhraseRule> phraseRules = new ArrayList<>();
    final List<PhraseRule> patternRules = new ArrayList<>();
    final PhraseMatcher matcher;

    Rules(List<PhraseRule> rules) {
      List<String> phrases = new ArrayList<>();
      for (PhraseRule r : rules) {
        if (r.phrase() != null) {
          phraseRules.add(r);
          phrases.add(r.phrase());
        } else {
          patternRules.add(r);
        }
      }
      this.matcher = PhraseMatcher.build(phrases);
    }
  }

  /** A rule that matched. */
  private static final class Match {
    final PhraseRule rule;

    Match(PhraseRule rule) {
      this.rule = rule;
    }

    static @Nullable Match worse(@Nullable Match a, @Nullable Match b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      return b.rule.action().compareTo(a.rule.action()) > 0 ? b : a;
    }

    Assessment assessment() {
      return new Assessment(rule.action(), CategoryScores.of(rule.category(), 1.0), rule.id());
    }
  }

  /** The scan of one text (a prompt turn, or one streamed channel). Thread-confined. */
  private static final class Scan {
    private final Rules rules;
    private final PhraseMatcher.Cursor cursor;
    private final StringBuilder window;
    private final int windowSize;
    // Offset in the channel of window.charAt(0).
    private long windowStart;
    // Per pattern rule: no match can start before this channel offset, whatever text follows.
    private final long[] deadBefore;
    private int patternHoldback;

    Scan(Rules rules) {
      this.rules = rules;
      this.cursor = rules.matcher.cursor();
      int longest = 0;
      for (PhraseRule r : rules.patternRules) {
        longest = Math.max(longest, r.maxMatchLength());
      }
      this.windowSize = longest;
      this.window = new StringBuilder(longest == 0 ? 0 : 2 * longest);
      this.deadBefore = new long[rules.patternRules.size()];
    }

    /**
     * Scans the next piece of text.
     *
     * @param last whether no more text follows (end of a prompt turn or of a channel)
     * @return the most severe match in this piece, or null
     */
    @Nullable Match feed(CharSequence text, boolean last) {
      Match match = null;
      int found = cursor.feed(text);
      if (found >= 0) {
        match = new Match(rules.phraseRules.get(found));
      }
      if (windowSize > 0) {
        match = Match.worse(match, scanPatterns(text, last));
      }
      return match;
    }

    /** Characters at the end not yet cleared by every rule. */
    int holdback() {
      return Math.max(cursor.pending(), patternHoldback);
    }

    private @Nullable Match scanPatterns(CharSequence text, boolean last) {
      if (last && window.length() == 0) {
        // A prompt turn arrives whole: scan it directly, without the window.
        return findPatterns(text);
      }
      window.append(text);
      Match match = findPatterns(window);
      patternHoldback = 0;
      if (!last && match == null) {
        patternHoldback = livePartialLength();
      }
      if (window.length() > windowSize) {
        // Keep only what a match ending in a later chunk could still start in.
        int drop = window.length() - (windowSize - 1);
        window.delete(0, drop);
        windowStart += drop;
      }
      return match;
    }

    private @Nullable Match findPatterns(CharSequence subject) {
      Match match = null;
      for (PhraseRule r : rules.patternRules) {
        if (r.pattern().matcher(subject).find()) {
          match = Match.worse(match, new Match(r));
          if (r.action() == Action.BLOCK) {
            break;
          }
        }
      }
      return match;
    }

    /**
     * The length of the window's tail that could still start a match of some pattern: for each rule,
     * the earliest start whose match attempt ran into the end of the text ({@link Matcher#hitEnd()}),
     * skipping starts already known dead (an attempt that failed before the end fails whatever
     * follows).
     */
    private int livePartialLength() {
      int len = window.length();
      int earliest = len;
      for (int r = 0; r < deadBefore.length; r++) {
        PhraseRule rule = rules.patternRules.get(r);
        Matcher m = rule.pattern().matcher(window);
        m.useTransparentBounds(true).useAnchoringBounds(false);
        int from = (int) Math.max(0, Math.max(deadBefore[r] - windowStart, len - (rule.maxMatchLength() - 1L)));
        int live = len;
        for (int i = from; i < len; i++) {
          m.region(i, len);
          if (!m.lookingAt() && m.hitEnd()) {
            live = i;
            break;
          }
        }
        deadBefore[r] = windowStart + live;
        earliest = Math.min(earliest, live);
      }
      return len - earliest;
    }
  }

  /** One completion: a scan per channel. */
  private final class Session implements StreamSession {
    private final Map<Channel, Scan> scans = new HashMap<>();
    private @Nullable Match flagged;

    @Override
    public StreamAssessment append(Channel channel, CharSequence delta) {
      Scan scan = scans.computeIfAbsent(channel, c -> new Scan(completion));
      return judge(scan, scan.feed(delta, false));
    }

    @Override
    public StreamAssessment endChannel(Channel channel) {
      Scan scan = scans.remove(channel);
      if (scan == null) {
        return StreamAssessment.CLEAR;
      }
      StreamAssessment a = judge(scan, scan.feed("", true));
      return a.holdback() == 0 ? a : new StreamAssessment(a.action(), a.scores(), a.reason(), 0);
    }

    @Override
    public Assessment finish() {
      return flagged == null ? Assessment.ALLOW : flagged.assessment();
    }

    private StreamAssessment judge(Scan scan, @Nullable Match match) {
      if (match != null && match.rule.action() == Action.BLOCK) {
        return StreamAssessment.halt(CategoryScores.of(match.rule.category(), 1.0), match.rule.id());
      }
      if (match != null && flagged == null) {
        flagged = match;
      }
      if (flagged != null) {
        return new StreamAssessment(
            Action.FLAG, CategoryScores.of(flagged.rule.category(), 1.0), flagged.rule.id(),
            scan.holdback());
      }
      return StreamAssessment.holding(scan.holdback());
    }
  }
}
