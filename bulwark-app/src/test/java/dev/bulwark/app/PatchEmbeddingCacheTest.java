package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
import dev.bulwark.classify.model.EmbeddingCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The embedding cache of a server's classifier patches ({@code response.embedding_cache}): opened when
 * the responder is built, and a cache that cannot be had leaves the server patching without one, with
 * a warning.
 */
class PatchEmbeddingCacheTest {
  @TempDir Path dir;
  private final Logger logger = (Logger) LoggerFactory.getLogger(PatchEmbeddingCache.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  /** A folder that cannot be created: its parent is a file. */
  private Path blocked() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    return file.resolve("embeddings");
  }

  private List<ILoggingEvent> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }

  @Test
  void get_folderCannotBeCreated_noCacheAndOneWarning() throws Exception {
    Path folder = blocked();
    try (PatchEmbeddingCache cache = new PatchEmbeddingCache(folder)) {
      assertThat(cache.get()).isNull();
      assertThat(cache.get()).as("tried once").isNull();

      assertThat(cache.problem()).isPresent();
      assertThat(warnings()).singleElement().satisfies(e ->
          assertThat(e.getFormattedMessage()).contains(folder.toString()).contains("without it"));
    }
  }

  @Test
  void get_cacheHeldByAnother_noCacheAndAWarning() throws Exception {
    Path folder = dir.resolve("held");
    try (EmbeddingCache other = EmbeddingCache.open(folder);
        PatchEmbeddingCache cache = new PatchEmbeddingCache(folder)) {
      assertThat(cache.get()).isNull();
      assertThat(cache.problem()).hasValueSatisfying(p -> assertThat(p).contains("in use"));
      assertThat(other.size()).as("the holder's cache is untouched").isZero();
      assertThat(warnings()).hasSize(1);
    }
  }

  @Test
  void get_writableFolder_opensOnceAndCloseReleasesIt() throws Exception {
    Path folder = dir.resolve("a").resolve("embeddings");
    PatchEmbeddingCache cache = new PatchEmbeddingCache(folder);
    EmbeddingCache opened = cache.get();

    assertThat(opened).isNotNull();
    assertThat(cache.get()).isSameAs(opened);
    assertThat(folder.resolve(EmbeddingCache.FILE_NAME)).exists();
    assertThat(cache.problem()).isEmpty();
    assertThat(warnings()).isEmpty();
    cache.close();
    try (EmbeddingCache again = EmbeddingCache.open(folder)) {
      assertThat(again.file()).isEqualTo(folder.resolve(EmbeddingCache.FILE_NAME));
    }
  }

  @Test
  void get_none_noCacheNoWarning() {
    try (PatchEmbeddingCache cache = new PatchEmbeddingCache(null)) {
      assertThat(cache.get()).isNull();
      assertThat(cache.problem()).isEmpty();
      assertThat(warnings()).isEmpty();
    }
  }

  private BulwarkConfig config(String cache) throws Exception {
    Path file = dir.resolve("bulwark.yaml");
    Files.writeString(file, "server: {port: 0}\nstore: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n"
        + "admin: {enabled: false}\nmonitor: {enabled: false}\n"
        + "response: {incidents: {intake: false}, embedding_cache: \"" + cache + "\"}\n");
    return new ConfigLoader(Map.of()).load(file);
  }

  @Test
  void serve_cacheFolderCannotBeCreated_responderBuiltWithoutCache() throws Exception {
    Path folder = blocked();
    try (BulwarkServer server = BulwarkServer.start(config(folder.toString()), Clock.systemUTC())) {
      assertThat(server.response().responder()).isNotNull();

      assertThat(server.patchEmbeddings().get()).isNull();
      assertThat(server.patchEmbeddings().problem()).isPresent();
      assertThat(warnings()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains(folder.toString()));
    }
  }

  @Test
  void serve_cacheFolder_openedWithTheResponderAndReleasedOnClose() throws Exception {
    Path folder = dir.resolve("cache");
    try (BulwarkServer server = BulwarkServer.start(config(folder.toString()), Clock.systemUTC())) {
      assertThat(folder).as("not opened before the first patch").doesNotExist();

      server.response().responder();

      assertThat(server.patchEmbeddings().get()).isNotNull();
      assertThat(folder.resolve(EmbeddingCache.FILE_NAME)).exists();
    }
    try (EmbeddingCache again = EmbeddingCache.open(folder)) {
      assertThat(again.size()).isZero();
    }
  }
}
