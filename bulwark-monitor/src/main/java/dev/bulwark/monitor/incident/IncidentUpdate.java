package dev.bulwark.monitor.incident;

import dev.bulwark.monitor.analyzer.Severity;
import org.jspecify.annotations.Nullable;

/**
 * An analyst's change to an incident: any of the fields, and a note. At least one must be set.
 *
 * @param status the new status
 * @param severity the new severity
 * @param family the jailbreak family, once known
 * @param note why, or what was learned
 */
public record IncidentUpdate(
    @Nullable IncidentStatus status, @Nullable Severity severity, @Nullable String family, @Nullable String note) {
  public IncidentUpdate {
    if (status == null && severity == null && family == null && (note == null || note.isBlank())) {
      throw new IllegalArgumentException("an update changes the status, the severity or the family, or adds a note");
    }
    if (family != null && !family.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
      throw new IllegalArgumentException("family: lower case letters, digits, '_', '.', '-' (at most 64), was '" + family + "'");
    }
    if (note != null && note.length() > 2000) {
      throw new IllegalArgumentException("note: at most 2000 characters");
    }
  }
}
