package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

/** The newest event's seq and hash, as the {@code chain_head} row holds them. */
public record ChainHead(long seq, String hash) {
  public static final ChainHead GENESIS = new ChainHead(0, ChainHash.GENESIS);

  public ChainHead {
    requireNonNull(hash, "hash");
  }
}
