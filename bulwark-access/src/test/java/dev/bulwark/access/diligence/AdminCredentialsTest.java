package dev.bulwark.access.diligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.store.diligence.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {
  @TempDir Path dir;
  Fixture f;
  AdminCredentials credentials;

  @BeforeEach
  void open() {
    f = new Fixture(dir);
    credentials = new AdminCredentials(f.store.diligence(), f.clock);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static AdminCredentials.Denied denied(AdminCredentials.Reason reason) {
    return new AdminCredentials.Denied(reason);
  }

  @Test
  void authenticate_bootstrappedToken_grantsItsPerson() {
    AdminCredentials.Issued issued = f.dd.bootstrap("ops", "Root", Set.of(Role.ADMIN), null, "cli");

    assertThat(issued.token()).startsWith("bwa_");
    assertThat(issued.toString()).doesNotContain(issued.token());
    assertThat(credentials.authenticate(" " + issued.token() + " "))
        .isEqualTo(new AdminCredentials.Granted(issued.person(), issued.record().id()));
    assertThat(issued.record().tokenHash()).doesNotContain(issued.token().substring(21));
  }

  @Test
  void authenticate_missingMalformedOrApiKey_refused() {
    assertThat(credentials.authenticate(null)).isEqualTo(denied(AdminCredentials.Reason.MISSING));
    assertThat(credentials.authenticate("")).isEqualTo(denied(AdminCredentials.Reason.MISSING));
    assertThat(credentials.authenticate("bwk_abcdefghijklmnop_" + "A".repeat(43)))
        .isEqualTo(denied(AdminCredentials.Reason.MALFORMED));
  }

  @Test
  void authenticate_wrongSecretOrUnknownId_unknown() {
    AdminCredentials.Issued issued = f.dd.bootstrap("ops", "Root", Set.of(Role.ADMIN), null, "cli");
    String forged = "bwa_" + issued.record().id() + "_" + "B".repeat(43);

    assertThat(credentials.authenticate(forged)).isEqualTo(denied(AdminCredentials.Reason.UNKNOWN));
    assertThat(credentials.authenticate("bwa_aaaaaaaaaaaaaaaa_" + "B".repeat(43)))
        .isEqualTo(denied(AdminCredentials.Reason.UNKNOWN));
  }

  @Test
  void authenticate_expiredToken_expiredAtTheInstant() {
    AdminCredentials.Issued issued = f.dd.bootstrap("ops", "Root", Set.of(Role.ADMIN), Duration.ofHours(1), "cli");

    f.clock.advance(Duration.ofHours(1).minusNanos(1000));
    assertThat(credentials.authenticate(issued.token())).isInstanceOf(AdminCredentials.Granted.class);
    f.clock.advance(Duration.ofNanos(1000));
    assertThat(credentials.authenticate(issued.token())).isEqualTo(denied(AdminCredentials.Reason.EXPIRED));
  }
}
