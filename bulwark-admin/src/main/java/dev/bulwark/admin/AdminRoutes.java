package dev.bulwark.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.store.diligence.Role;
import java.util.Set;

/**
 * Endpoints another module adds to the admin API, so that a module the admin plane must not depend on
 * (the monitor's incidents, the review queue) can still be served by it. Its handlers get the same
 * treatment as the built-in ones: the caller is authenticated first, the roles are checked before the
 * handler runs (403 otherwise), the handler runs on a worker thread, and a refusal ({@link
 * AdminError}) or an unexpected failure is answered as {@code {"error": {"code", "message"}}}.
 *
 * <p>Hand them to {@link AdminServer.Builder#routes}.
 */
@FunctionalInterface
public interface AdminRoutes {
  /** Adds this module's endpoints to {@code registry}; called once, while the server is built. */
  void register(Registry registry);

  /** Where endpoints are added. */
  @FunctionalInterface
  interface Registry {
    /**
     * Adds an endpoint.
     *
     * @param method {@code GET}, {@code POST} or {@code PATCH}
     * @param path the path after {@code /admin/v1}, starting with {@code /}; a segment {@code {name}}
     *     matches any one segment, read with {@link AdminRequest#param}
     * @param roles the roles allowed (any one of them suffices); not empty
     * @param status the status of a successful answer
     * @throws IllegalArgumentException if the method or path is malformed, the roles are empty, or
     *     the method and path are taken already
     */
    void add(String method, String path, Set<Role> roles, int status, Handler handler);
  }

  /** Answers one authenticated, authorized request with the JSON body of a successful answer. */
  @FunctionalInterface
  interface Handler {
    /**
     * @throws AdminError for a refusal, answered with its status and code
     */
    JsonNode handle(AdminRequest request);
  }
}
