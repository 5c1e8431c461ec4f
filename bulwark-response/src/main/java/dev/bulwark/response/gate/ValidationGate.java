package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import dev.bulwark.response.Exchange;
import dev.bulwark.response.review.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The validation gate. A candidate passes when:
 *
 * <ol>
 *   <li>{@code family_blocked}: it blocks at least {@code minFamilyBlockRate} of the family's held-back
 *       variants (which no patch was built from);
 *   <li>{@code benign_fpr_rise}: its false-positive rate on the benign regression set exceeds the
 *       running version's by at most {@code maxFprRise} (0.001: a tenth of a percentage point);
 *   <li>{@code regression}: it blocks every exchange of every earlier family's regression corpus;
 *   <li>{@code shadow}: when a shadow period is configured, on the live traffic of that period its
 *       prompt verdicts disagree with the running version's on at most {@code maxShadowDisagreement}
 *       of at least {@code minShadowSamples} prompts ({@link ShadowStage}).
 * </ol>
 *
 * <p>A candidate that changes no verdict (a prompt patch alone) cannot block anything; for it the
 * first check is recorded as not applicable, and the others hold trivially. The running version's
 * false-positive rate is cached per release and benign set. Thread-safe.
 */
public final class ValidationGate {
  /** The name of the check on the benign false-positive rate. */
  public static final String BENIGN_FPR_RISE = "benign_fpr_rise";

  /** At most this many newly blocked benign prompts are kept as examples with a decision. */
  static final int MAX_EXAMPLES = 5;

  /** An example's text is cut to this many characters (the last user turn's start). */
  static final int EXAMPLE_CHARS = 200;

  private static final Redactor REDACTOR = new Redactor();

  private final Settings settings;
  private final Clock clock;
  private final Map<String, BitSet> currentFalsePositives = new LinkedHashMap<>();

  /**
   * @param minFamilyBlockRate in (0, 1]
   * @param maxFprRise in [0, 1]
   * @param shadowPeriod zero for none
   * @param maxShadowDisagreement in [0, 1]
   * @param minShadowSamples prompts the shadow period must see, at least 1
   * @param shadowExtension how long past {@code shadowPeriod} a shadow period that has not seen
   *     {@code minShadowSamples} prompts yet waits for them; then the candidate is refused for want of
   *     traffic (not negative; by default {@link #EXTENSION_FACTOR} times the period)
   */
  public record Settings(double minFamilyBlockRate, double maxFprRise, Duration shadowPeriod,
      double maxShadowDisagreement, int minShadowSamples, Duration shadowExtension) {
    /** The default extension, in shadow periods: a quiet deployment gets five periods in all. */
    public static final int EXTENSION_FACTOR = 4;

    public Settings {
      requireNonNull(shadowPeriod, "shadowPeriod");
      requireNonNull(shadowExtension, "shadowExtension");
      if (!(minFamilyBlockRate > 0 && minFamilyBlockRate <= 1) || !(maxFprRise >= 0 && maxFprRise <= 1)
          || shadowPeriod.isNegative() || !(maxShadowDisagreement >= 0 && maxShadowDisagreement <= 1) || minShadowSamples < 1
          || shadowExtension.isNegative()) {
        throw new IllegalArgumentException("invalid gate settings: " + this);
      }
    }

    /** With the default extension ({@link #EXTENSION_FACTOR} shadow periods). */
    public Settings(double minFamilyBlockRate, double maxFprRise, Duration shadowPeriod, double maxShadowDisagreement,
        int minShadowSamples) {
      this(minFamilyBlockRate, maxFprRise, shadowPeriod, maxShadowDisagreement, minShadowSamples,
          shadowPeriod.multipliedBy(EXTENSION_FACTOR));
    }

    /** 95% of held-back variants, +0.1 point of benign FPR, no shadow period (1% disagreement, 20 prompts if one is set). */
    public static Settings defaults() {
      return new Settings(0.95, 0.001, Duration.ZERO, 0.01, 20);
    }

    /** With a shadow period of {@code period} and the default extension for it. */
    public Settings withShadow(Duration period) {
      return new Settings(minFamilyBlockRate, maxFprRise, period, maxShadowDisagreement, minShadowSamples);
    }

    /** With the shadow period's limits: the disagreement allowed and the prompts it must see. */
    public Settings withShadowLimits(double maxDisagreement, int minSamples) {
      return new Settings(minFamilyBlockRate, maxFprRise, shadowPeriod, maxDisagreement, minSamples, shadowExtension);
    }

    public Settings withShadowExtension(Duration extension) {
      return new Settings(minFamilyBlockRate, maxFprRise, shadowPeriod, maxShadowDisagreement, minShadowSamples, extension);
    }
  }

  public ValidationGate(Settings settings, Clock clock) {
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
  }

  public Settings settings() {
    return settings;
  }

  /**
   * What the gate looks at.
   *
   * @param candidate the candidate's verdicts
   * @param current the running version's
   * @param heldBack the family's held-back attack variants
   * @param benign the benign regression set
   * @param regression earlier families' regression corpora (the candidate's own family left out)
   * @param changesVerdicts false for a candidate that only adds a prompt patch
   */
  public record Input(String releaseId, @Nullable String familyId, ReleaseVerdicts candidate, ReleaseVerdicts current,
      List<Exchange> heldBack, List<Exchange> benign, Map<String, List<Exchange>> regression, boolean changesVerdicts) {
    public Input {
      requireNonNull(releaseId, "releaseId");
      requireNonNull(candidate, "candidate");
      requireNonNull(current, "current");
      heldBack = List.copyOf(heldBack);
      benign = List.copyOf(benign);
      regression = Map.copyOf(regression);
    }
  }

  /** Runs the offline checks (and records the shadow check as pending or not configured). */
  public GateResult evaluate(Input in) {
    List<GateResult.Check> checks = new ArrayList<>();
    if (!in.changesVerdicts()) {
      checks.add(new GateResult.Check("family_blocked", true, 0, settings.minFamilyBlockRate(),
          "not applicable: the candidate only adds a prompt patch and changes no verdict"));
    } else if (in.heldBack().isEmpty()) {
      checks.add(new GateResult.Check("family_blocked", false, 0, settings.minFamilyBlockRate(),
          "no held-back variants to measure the candidate on"));
    } else {
      int blocked = in.candidate().blocked(in.heldBack());
      double rate = (double) blocked / in.heldBack().size();
      checks.add(new GateResult.Check("family_blocked", rate >= settings.minFamilyBlockRate(), rate,
          settings.minFamilyBlockRate(), String.format(Locale.ROOT, "blocked %d of %d held-back variants (%.1f%%, need %.1f%%)",
              blocked, in.heldBack().size(), 100 * rate, 100 * settings.minFamilyBlockRate())));
    }

    int n = in.benign().size();
    BitSet current = currentFalsePositives(in.current(), in.benign());
    int fpCurrent = current.cardinality();
    int fpCandidate = fpCurrent;
    Map<String, Integer> newlyBlockedBy = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    if (in.changesVerdicts()) {
      fpCandidate = 0;
      for (int i = 0; i < n; i++) {
        Optional<String> stage = in.candidate().stoppedBy(in.benign().get(i));
        if (stage.isPresent()) {
          fpCandidate++;
          if (!current.get(i)) {
            newlyBlockedBy.merge(stage.get(), 1, Integer::sum);
            if (examples.size() < MAX_EXAMPLES) {
              examples.add(stage.get() + ": " + example(in.benign().get(i)));
            }
          }
        }
      }
    }
    double before = n == 0 ? 0 : (double) fpCurrent / n;
    double after = n == 0 ? 0 : (double) fpCandidate / n;
    double rise = after - before;
    String newly = newlyBlockedBy.isEmpty() ? "" : ", newly blocked by " + newlyBlockedBy.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    checks.add(new GateResult.Check(BENIGN_FPR_RISE, n > 0 && rise <= settings.maxFprRise() + 1e-12, rise,
        settings.maxFprRise(), n == 0 ? "no benign regression set"
            : String.format(Locale.ROOT, "benign false positives %d -> %d of %d (%.2f%% -> %.2f%%, %+.2f points, limit %+.2f)%s",
                fpCurrent, fpCandidate, n, 100 * before, 100 * after, 100 * rise, 100 * settings.maxFprRise(), newly),
        newlyBlockedBy, examples));

    int missed = 0;
    int total = 0;
    List<String> failing = new ArrayList<>();
    if (in.changesVerdicts()) {
      for (Map.Entry<String, List<Exchange>> e : new TreeMap<>(in.regression()).entrySet()) {
        if (e.getKey().equals(in.familyId())) {
          continue;
        }
        int m = e.getValue().size() - in.candidate().blocked(e.getValue());
        total += e.getValue().size();
        if (m > 0) {
          missed += m;
          failing.add(e.getKey() + " (" + m + " of " + e.getValue().size() + ")");
        }
      }
    }
    checks.add(new GateResult.Check("regression", missed == 0, missed, 0,
        !in.changesVerdicts() ? "verdicts unchanged"
            : missed == 0 ? "all " + total + " exchanges of earlier families still blocked"
            : missed + " of " + total + " earlier exchanges no longer blocked: " + String.join(", ", failing)));

    if (settings.shadowPeriod().isZero()) {
      checks.add(new GateResult.Check("shadow", true, 0, settings.maxShadowDisagreement(), "no shadow period configured"));
    }
    boolean passed = checks.stream().allMatch(GateResult.Check::passed);
    if (in.candidate().failures() > 0) {
      checks.add(new GateResult.Check("stage_failures", false, in.candidate().failures(), 0,
          in.candidate().failures() + " stage failures while evaluating the candidate"));
      passed = false;
    }
    return new GateResult("", in.releaseId(), in.familyId(), in.current().name(), clock.instant(), passed, checks);
  }

  /** Computes and caches the running version's false positives on a benign set ahead of time. */
  public void warm(ReleaseVerdicts current, List<Exchange> benign) {
    currentFalsePositives(current, benign);
  }

  /** Whether an offline result still waits for its shadow period. */
  public boolean needsShadow(GateResult offline) {
    return offline.passed() && !settings.shadowPeriod().isZero()
        && offline.checks().stream().noneMatch(c -> c.name().equals("shadow"));
  }

  /**
   * A shadow period that ended without a verdict on live traffic (the server holding it stopped, the
   * deployment moved under it): the offline checks plus a failed check named {@code check}.
   */
  public GateResult withoutShadow(GateResult offline, String check, String detail) {
    List<GateResult.Check> checks = new ArrayList<>(offline.checks());
    checks.add(new GateResult.Check(check, false, 0, 0, detail));
    return new GateResult("", offline.releaseId(), offline.familyId(), offline.against(), clock.instant(), false, checks);
  }

  /** The final result: the offline checks plus the shadow period's. */
  public GateResult withShadow(GateResult offline, ShadowStage.Stats stats) {
    double rate = stats.disagreementRate();
    boolean enough = stats.total() >= settings.minShadowSamples();
    boolean ok = enough && rate <= settings.maxShadowDisagreement();
    List<GateResult.Check> checks = new ArrayList<>(offline.checks());
    String counts = String.format(Locale.ROOT,
        "%d live prompts, %d newly blocked, %d newly allowed (%.2f%% disagree, limit %.2f%%, need %d prompts)",
        stats.total(), stats.newlyBlocked(), stats.newlyAllowed(), 100 * rate, 100 * settings.maxShadowDisagreement(),
        settings.minShadowSamples());
    // Too little traffic says nothing about the candidate: say so first, whatever the rate.
    checks.add(new GateResult.Check("shadow", ok, rate, settings.maxShadowDisagreement(), enough ? counts
        : String.format(Locale.ROOT, "only %d live prompts compared, need %d: too few to judge the candidate on live"
            + " traffic (%s)", stats.total(), settings.minShadowSamples(), counts)));
    return new GateResult("", offline.releaseId(), offline.familyId(), offline.against(), clock.instant(),
        offline.passed() && ok, checks);
  }

  /** Which of {@code benign} the running version blocks, by index; computed once per version and set. */
  private BitSet currentFalsePositives(ReleaseVerdicts current, List<Exchange> benign) {
    String key = current.name() + "#" + benign.size() + "#" + benign.hashCode();
    synchronized (currentFalsePositives) {
      BitSet hit = currentFalsePositives.get(key);
      if (hit != null) {
        return (BitSet) hit.clone();
      }
    }
    BitSet fp = new BitSet(benign.size());
    for (int i = 0; i < benign.size(); i++) {
      fp.set(i, current.blocks(benign.get(i)));
    }
    synchronized (currentFalsePositives) {
      currentFalsePositives.put(key, fp);
    }
    return (BitSet) fp.clone();
  }

  /**
   * A benign prompt as an analyst sees it in a decision: its last user turn, personal data masked (the
   * benign set may hold reviewer-confirmed live traffic) and cut to {@value #EXAMPLE_CHARS} characters.
   */
  static String example(Exchange e) {
    String text = REDACTOR.redact(e.lastUserText()).replace('\n', ' ').strip();
    if (text.length() <= EXAMPLE_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(EXAMPLE_CHARS - 1)) ? EXAMPLE_CHARS - 1 : EXAMPLE_CHARS;
    return text.substring(0, end) + "...";
  }
}
