package dev.bulwark.monitor;

/** This consumer no longer holds a partition it was working on; the work must not be committed. */
public final class LeaseLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
