package dev.bulwark.app.cli;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.store.Store;

/** Opening the store for an administrative command. */
final class StoreCommands {
  private StoreCommands() {}

  /**
   * Opens the configured store and makes sure the configured tiers exist in it, so that a fresh
   * database accepts {@code keys create --tier standard} before the server ever ran.
   */
  static Store open(BulwarkConfig config) {
    Store store = Store.open(config.store());
    try {
      config.tiers().forEach((tier, policy) -> store.keys().upsertTier(tier, policy, "config"));
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }
}
