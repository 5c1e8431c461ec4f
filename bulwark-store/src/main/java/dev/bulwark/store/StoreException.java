package dev.bulwark.store;

import org.jspecify.annotations.Nullable;

/**
 * The store could not be opened, or a read or write failed. Messages name the database by its URL
 * with any password masked.
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
