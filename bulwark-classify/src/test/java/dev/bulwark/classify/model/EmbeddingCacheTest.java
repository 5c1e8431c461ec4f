package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
  private static final String ID = "encoder-a";
  private static final int DIMS = 384;
  private static final long RECORD_BYTES = 32 + 4 + 4L * DIMS + 4;
  private static final long HEADER_BYTES = 8;

  @TempDir Path dir;

  private static float[] vector(int seed) {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) Math.sin(seed * 31.0 + i);
    }
    return v;
  }

  @Test
  void put_thenReopen_getsSameBits() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      cache.put(ID, "first window", vector(1));
      cache.put(ID, "second window", vector(2));
      assertThat(cache.get(ID, "first window")).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(1)));
    }

    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.droppedBytes()).isZero();
      assertThat(cache.get(ID, "first window")).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(1)));
      assertThat(cache.get(ID, "second window")).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(2)));
    }
  }

  @Test
  void get_otherTextOrOtherEncoder_misses() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      cache.put(ID, "window", vector(1));

      assertThat(cache.get(ID, "window ")).isEmpty();
      assertThat(cache.get("encoder-b", "window")).isEmpty();
    }
  }

  @Test
  void put_sameKeyTwice_keepsFirstAndDoesNotGrow() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      cache.put(ID, "window", vector(1));
      long size = Files.size(cache.file());

      cache.put(ID, "window", vector(2));

      assertThat(Files.size(cache.file())).isEqualTo(size);
      assertThat(cache.get(ID, "window")).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(1)));
    }
  }

  @Test
  void open_truncatedTail_dropsTornRecordAndAppendsAfterIt() throws IOException {
    Path file;
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      for (int i = 0; i < 3; i++) {
        cache.put(ID, "w" + i, vector(i));
      }
      file = cache.file();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 10);
    }

    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(2);
      assertThat(cache.droppedBytes()).isEqualTo(RECORD_BYTES - 10);
      assertThat(Files.size(file)).isEqualTo(HEADER_BYTES + 2 * RECORD_BYTES);
      assertThat(cache.get(ID, "w2")).isEmpty();
      cache.put(ID, "w2", vector(2));
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(3);
      assertThat(cache.get(ID, "w2")).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(2)));
    }
  }

  @Test
  void open_corruptRecord_keepsRecordsBeforeIt() throws IOException {
    Path file;
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      for (int i = 0; i < 3; i++) {
        cache.put(ID, "w" + i, vector(i));
      }
      file = cache.file();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long at = HEADER_BYTES + RECORD_BYTES + 100;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x01);
    }

    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(1);
      assertThat(cache.get(ID, "w0")).isPresent();
      assertThat(cache.get(ID, "w1")).isEmpty();
      assertThat(cache.droppedBytes()).isEqualTo(2 * RECORD_BYTES);
    }
  }

  @Test
  void open_tornHeader_startsEmpty() throws IOException {
    Files.write(dir.resolve(EmbeddingCache.FILE_NAME), "BWE".getBytes(StandardCharsets.US_ASCII));

    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isZero();
      cache.put(ID, "w", vector(1));
    }
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(1);
    }
  }

  @Test
  void open_foreignFile_throwsAndLeavesItAlone() throws IOException {
    Path file = dir.resolve(EmbeddingCache.FILE_NAME);
    byte[] foreign = "not a cache at all, but someone's notes".getBytes(StandardCharsets.UTF_8);
    Files.write(file, foreign);

    assertThatThrownBy(() -> EmbeddingCache.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("not an embedding cache");
    assertThat(Files.readAllBytes(file)).isEqualTo(foreign);
  }

  @Test
  void open_whileOpen_throws() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isZero();
      assertThatThrownBy(() -> EmbeddingCache.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }
    try (EmbeddingCache again = EmbeddingCache.open(dir)) {
      assertThat(again.size()).isZero();
    }
  }

  @Test
  void put_fromManyThreads_allReadableAfterReopen() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    int k = thread * 50 + i;
                    cache.put(ID, "w" + k, vector(k));
                    assertThat(cache.get(ID, "w" + k)).isPresent();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThat(cache.size()).isEqualTo(200);
      assertThat(cache.droppedBytes()).isZero();
      for (int k = 0; k < 200; k++) {
        int key = k;
        assertThat(cache.get(ID, "w" + k)).hasValueSatisfying(v -> assertThat(v).isEqualTo(vector(key)));
      }
    }
  }

  @Test
  void put_emptyVector_throws() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
      assertThatThrownBy(() -> cache.put(ID, "w", new float[0])).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
