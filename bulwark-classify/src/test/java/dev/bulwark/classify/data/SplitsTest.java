package dev.bulwark.classify.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SplitsTest {
  private static Example ex(String id, String source, String group) {
    return new Example(id, source, group, ExampleKind.PROMPT, List.of(new Turn(Role.USER, "t " + id)), null, Label.BENIGN, null, Set.of());
  }

  private static List<Example> examples(long seed, int n, int groups) {
    Random r = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String source = r.nextInt(5) == 0 ? "benign_oktest.jsonl" : "s" + r.nextInt(3) + ".jsonl";
      out.add(ex("e" + i, source, "g" + r.nextInt(groups)));
    }
    return out;
  }

  private static Map<String, Split> splitOf(SplitSet set) {
    Map<String, Split> m = new HashMap<>();
    for (Split s : Split.values()) {
      set.get(s).forEach(e -> m.put(e.id(), s));
    }
    return m;
  }

  @Property(tries = 50)
  void split_anyExamples_noGroupInTwoSplitsAndNothingLost(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 80) int groups) {
    List<Example> in = examples(seed, n, groups);

    SplitSet set = Splits.defaults().split(in);

    assertThat(set.size()).isEqualTo(n);
    Map<String, Split> groupSplit = new HashMap<>();
    for (Split s : Split.values()) {
      for (Example e : set.get(s)) {
        Split before = groupSplit.putIfAbsent(e.group(), s);
        assertThat(before == null || before == s).as(e.group()).isTrue();
      }
    }
  }

  @Property(tries = 20)
  void split_sameInputAnyOrder_sameAssignment(@ForAll long seed) {
    List<Example> in = examples(seed, 200, 60);
    List<Example> shuffled = new ArrayList<>(in);
    Collections.shuffle(shuffled, new Random(seed + 1));

    assertThat(splitOf(Splits.defaults().split(shuffled))).isEqualTo(splitOf(Splits.defaults().split(in)));
    assertThat(Splits.defaults().split(in)).isEqualTo(Splits.defaults().split(in));
  }

  @Test
  void split_heldOutSource_wholeGroupToDev() {
    Example held = ex("a", "gptfuzz_harmful_questions.jsonl", "shared-group");
    Example sibling = ex("b", "synthetic:noisy", "shared-group");
    Example named = ex("c", "synthetic:encoded-harmful", "harmbench_val_behaviors.jsonl:harmbench-val-x");

    SplitSet set = Splits.defaults().split(List.of(sibling, held, named));

    assertThat(set.dev()).containsExactly(sibling, held, named);
  }

  @Test
  void split_manyGroups_roughlyEightyTenTen_andSeedMatters() {
    List<Example> in = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      in.add(ex("e" + i, "s.jsonl", "g" + i));
    }

    SplitSet set = Splits.defaults().split(in);
    SplitSet other = Splits.builder().seed(18).build().split(in);

    assertThat(set.train().size()).isBetween(15_600, 16_400);
    assertThat(set.calibration().size()).isBetween(1_800, 2_200);
    assertThat(set.dev().size()).isBetween(1_800, 2_200);
    assertThat(splitOf(other)).isNotEqualTo(splitOf(set));
  }

  @Test
  void builder_customHeldOutAndFractions() {
    Splits s = Splits.builder().heldOutSources(Set.of("x.jsonl")).fractions(1.0, 0.0).build();

    assertThat(s.assign("x.jsonl", "g")).isEqualTo(Split.DEV);
    assertThat(s.assign("benign_oktest.jsonl", "g")).isEqualTo(Split.TRAIN);
    assertThat(s.assign(new JailbreakTemplate("t", "x.jsonl", "x.jsonl:t", "{payload}"))).isEqualTo(Split.DEV);
  }

  @Test
  void builder_badFractions_throw() {
    assertThatThrownBy(() -> Splits.builder().fractions(0.9, 0.2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Splits.builder().fractions(-0.1, 0.2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Splits.builder().fractions(Double.NaN, 0.2)).isInstanceOf(IllegalArgumentException.class);
  }
}
