package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.DiligenceException;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.app.Main;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.store.diligence.Role;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark admins create}: the first people of a deployment and their admin tokens, written to
 * the store directly (there is no admin token yet to call the API with). Later people can be added
 * through the API by an admin.
 */
@Command(
    name = "admins",
    mixinStandardHelpOptions = true,
    description = "Create people with admin-plane roles and their admin tokens (written to the store directly).",
    subcommands = {AdminsCommand.Create.class})
public final class AdminsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a person with one or more roles and print their admin token once.")
  static final class Create implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The person's name")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "admin, reviewer, analyst or partner_contact; repeat for several")
    List<String> roles;

    @Option(names = "--org", defaultValue = "operator", paramLabel = "ORG",
        description = "Their organization, created if new (default: ${DEFAULT-VALUE})")
    String org;

    @Option(names = "--expires", paramLabel = "DURATION", description = "Token lifetime such as 90d (default: never)")
    @Nullable String expires;

    @Option(names = "--json", description = "Print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Set<Role> parsed = EnumSet.noneOf(Role.class);
      for (String r : roles) {
        var role = Role.parse(r);
        if (role.isEmpty()) {
          err.println("bulwark: --role: unknown role '" + r + "'; roles: admin, reviewer, analyst, partner_contact");
          return Main.BAD_CONFIG;
        }
        parsed.add(role.get());
      }
      Duration ttl = null;
      if (expires != null) {
        try {
          ttl = Durations.parse("--expires", expires);
        } catch (ConfigException e) {
          err.println("bulwark: " + e.getMessage());
          return Main.BAD_CONFIG;
        }
      }
      Duration lifetime = ttl;
      return KeysCommand.withStore(config, err, store -> {
        AdminCredentials.Issued issued;
        try {
          issued = DueDiligence.builder().store(store).build().bootstrap(org, name, parsed, lifetime, "cli");
        } catch (DiligenceException | IllegalArgumentException e) {
          err.println("bulwark: " + e.getMessage());
          return Main.BAD_CONFIG;
        }
        if (json) {
          ObjectNode node = AdminOptions.JSON.createObjectNode()
              .put("person", issued.person().id())
              .put("org", issued.person().orgId())
              .put("token_id", issued.record().id())
              .put("token", issued.token())
              .put("expires_at", issued.record().expiresAt() == null ? null : issued.record().expiresAt().toString());
          parsed.stream().map(Role::wireName).sorted().forEach(node.putArray("roles")::add);
          out.println(node);
        } else {
          out.println("Created " + issued.person().name() + " (" + issued.person().id() + ") in organization "
              + issued.person().orgId() + " with roles "
              + String.join(", ", parsed.stream().map(Role::wireName).sorted().toList()) + ".");
          out.println("This is the only time the admin token is shown; store it now (e.g. in BULWARK_ADMIN_TOKEN):");
          out.println();
          out.println("  " + issued.token());
          out.println();
        }
        return Main.OK;
      });
    }
  }
}
