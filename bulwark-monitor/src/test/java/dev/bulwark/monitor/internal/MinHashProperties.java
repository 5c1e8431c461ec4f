package dev.bulwark.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

class MinHashProperties {
  @Property
  void similarity_ofATextWithItself_isOne(@ForAll @AlphaChars @StringLength(min = 1, max = 60) String word,
      @ForAll @AlphaChars @StringLength(min = 1, max = 60) String other) {
    int[] sig = MinHash.of(word + " " + other);
    assertThat(sig).isNotNull();
    assertThat(MinHash.similarity(sig, MinHash.of(word + " " + other))).isEqualTo(1.0);
    assertThat(MinHash.similarity(sig, MinHash.of((word + " " + other).toUpperCase(java.util.Locale.ROOT))))
        .as("case does not matter").isEqualTo(1.0);
  }
}
