package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.ApiKeys;
import dev.bulwark.access.IssuedKey;
import dev.bulwark.app.Main;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.Store;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark keys create|list|revoke}. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Create, list and revoke API keys. Keys are stored hashed; a new key is shown once.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs {@code body} with the configured store open; maps configuration errors to exit code 2. */
  static int withStore(ConfigOption config, PrintWriter err, StoreBody body) throws Exception {
    BulwarkConfig cfg;
    try {
      cfg = config.load();
    } catch (ConfigException e) {
      err.println("bulwark: configuration error: " + e.getMessage());
      return Main.BAD_CONFIG;
    }
    try (Store store = StoreCommands.open(cfg)) {
      return body.run(store);
    }
  }

  interface StoreBody {
    int run(Store store) throws Exception;
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it once.")
  static final class Create implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--org", required = true, paramLabel = "ORG", description = "Organization id (created if new)")
    String org;

    @Option(names = "--tier", required = true, paramLabel = "TIER", description = "Tier, as configured under 'tiers'")
    String tier;

    @Option(names = "--expires", paramLabel = "DURATION", description = "Lifetime such as 30d, 12h or 90m (default: never)")
    String expires;

    @Option(names = "--label", paramLabel = "TEXT", description = "A note to tell keys apart")
    String label;

    @Option(names = "--json", description = "Print JSON instead of text")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
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
      return withStore(config, err, store -> {
        IssuedKey key;
        try {
          key = new ApiKeys(store.keys(), Clock.systemUTC(), new SecureRandom()).create(org, tier, lifetime, label, "cli");
        } catch (IllegalArgumentException e) {
          err.println("bulwark: " + e.getMessage());
          return Main.BAD_CONFIG;
        }
        ApiKeyRecord r = key.record();
        if (json) {
          ObjectNode node = new ObjectMapper().createObjectNode();
          node.put("id", r.id()).put("key", key.token()).put("org", r.orgId()).put("tier", r.tier())
              .put("created_at", r.createdAt().toString())
              .put("expires_at", r.expiresAt() == null ? null : r.expiresAt().toString());
          out.println(node);
        } else {
          out.println("Created key " + r.id() + " for organization " + r.orgId() + " on tier " + r.tier()
              + (r.expiresAt() == null ? ", no expiry." : ", expires " + r.expiresAt() + "."));
          out.println("This is the only time the key is shown; store it now:");
          out.println();
          out.println("  " + key.token());
          out.println();
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--org", paramLabel = "ORG", description = "Only this organization's keys")
    String org;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return withStore(config, spec.commandLine().getErr(), store -> {
        List<ApiKeyRecord> keys = store.keys().keys(org);
        Instant now = Instant.now();
        out.printf("%-18s %-20s %-14s %-9s %-22s %s%n", "ID", "ORG", "TIER", "STATUS", "CREATED", "EXPIRES");
        for (ApiKeyRecord k : keys) {
          String status = k.revokedAt() != null ? "revoked"
              : k.expiresAt() != null && !k.expiresAt().isAfter(now) ? "expired" : "active";
          out.printf("%-18s %-20s %-14s %-9s %-22s %s%n", k.id(), k.orgId(), k.tier(), status,
              k.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
              k.expiresAt() == null ? "never" : k.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        if (keys.isEmpty()) {
          out.println("(no keys)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once.")
  static final class Revoke implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "KEY_ID", description = "The key's id (as 'keys list' shows it)")
    String id;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return withStore(config, err, store -> {
        if (store.keys().key(id).isEmpty()) {
          err.println("bulwark: no key has the id '" + id + "'");
          return Main.FAILED;
        }
        if (!new ApiKeys(store.keys(), Clock.systemUTC(), new SecureRandom()).revoke(id, "cli")) {
          err.println("bulwark: key " + id + " was already revoked");
          return Main.FAILED;
        }
        out.println("Revoked key " + id + ". Running gateways refuse it within their key poll interval.");
        return Main.OK;
      });
    }
  }
}
