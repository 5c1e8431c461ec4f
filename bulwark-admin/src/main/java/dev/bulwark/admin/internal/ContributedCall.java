package dev.bulwark.admin.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.admin.AdminRequest;
import dev.bulwark.store.diligence.Person;
import org.jspecify.annotations.Nullable;

/** A {@link AdminApi.Call} as a contributed handler sees it, its body read by {@link JsonBody}. */
final class ContributedCall implements AdminRequest {
  private final AdminApi.Call call;

  ContributedCall(AdminApi.Call call) {
    this.call = requireNonNull(call, "call");
  }

  @Override
  public Person caller() {
    return call.caller();
  }

  @Override
  public String param(String name) {
    return call.param(name);
  }

  @Override
  public @Nullable String query(String name) {
    return call.query(name);
  }

  @Override
  public Body body(String... allowed) {
    JsonBody b = call.body().get().allow(allowed);
    return new Body() {
      @Override
      public @Nullable String optional(String field) {
        return b.optional(field);
      }

      @Override
      public String required(String field) {
        return b.required(field);
      }

      @Override
      public @Nullable JsonNode value(String field) {
        return b.value(field);
      }
    };
  }

  @Override
  public JsonNode json() {
    return call.body().get().node();
  }
}
