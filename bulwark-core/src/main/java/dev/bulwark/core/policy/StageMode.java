package dev.bulwark.core.policy;

/** How a tier runs one safeguard stage. */
public enum StageMode {
  /** The stage's block or halt takes effect. */
  ENFORCE,
  /** The stage runs and its verdict is recorded, but a block or halt takes effect only as a flag. */
  MONITOR,
  /** The stage does not run; its verdict is recorded as skipped. */
  OFF
}
