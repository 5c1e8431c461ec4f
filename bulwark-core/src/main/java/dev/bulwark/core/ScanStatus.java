package dev.bulwark.core;

/**
 * Whether a stage really looked at the content. Recorded on every verdict, so that an auditor can
 * tell "allowed because it was scanned and clean" from "allowed because the scanner was down".
 */
public enum ScanStatus {
  /** The stage scored the content. */
  SCANNED,
  /** The stage did not run: disabled for the tier, or nothing it can read (e.g. only images). */
  SKIPPED,
  /** The stage failed and the tier's policy let the content through anyway. */
  FAILED_OPEN,
  /** The stage failed and the content was refused because of it (the default). */
  FAILED_CLOSED;

  /** The lower-case name used on the wire and in events. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
