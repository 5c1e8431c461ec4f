package dev.bulwark.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.store.diligence.Person;
import org.jspecify.annotations.Nullable;

/** What a contributed handler ({@link AdminRoutes.Handler}) sees of a request. */
public interface AdminRequest {
  /** The authenticated caller: who the audit trail names as the actor. */
  Person caller();

  /** A path parameter ({@code {id}} in the registered path). */
  String param(String name);

  /** A query parameter, or null when absent or blank. */
  @Nullable String query(String name);

  /**
   * The request's JSON object, read with the admin API's own rules: an absent body reads as an empty
   * object, malformed JSON or a body that is not an object is a 400 {@code invalid_json}, and a field
   * not in {@code allowed} is a 400 {@code invalid_argument} naming it.
   */
  Body body(String... allowed);

  /**
   * The request's JSON object as sent, for a body the handler reads itself (a STIX bundle): an absent
   * body reads as an empty object, and malformed JSON or a body that is not an object is a 400 {@code
   * invalid_json}. No field is refused here; the handler names the field in its own refusals.
   */
  JsonNode json();

  /** A request body's fields; every refusal is a 400 {@code invalid_argument} naming the field. */
  interface Body {
    /** A string field, or null when absent or JSON null. */
    @Nullable String optional(String field);

    /** A string field that must be present. */
    String required(String field);

    /**
     * A field's value as sent (a list, an object, a number or a boolean), or null when absent or JSON
     * null; the handler reads it and names the field when it refuses it.
     */
    @Nullable JsonNode value(String field);
  }
}
