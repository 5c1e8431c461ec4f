package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * An on-disk cache of window embeddings for training runs, so that a second run over the same data
 * does not embed again. An entry's key is the SHA-256 of the encoder id and the window text: a new
 * encoder misses, and the text itself is never stored.
 *
 * <p>Format: one append-only file {@value #FILE_NAME} in the directory given, big-endian: the 8-byte
 * magic {@code BWEMBv1\n}, then records of {@code key[32] dims:int32 vector:float32[dims] crc:int32}
 * (CRC-32 over key, dims and vector). Opening reads the records into an in-memory index (key to file
 * offset; the vectors stay on disk) and cuts the file after the last whole record, so a run killed
 * mid-write loses only that record. A corrupt record in the middle also ends the readable part: what
 * follows it is dropped and embedded again.
 *
 * <p>Concurrency: thread-safe. Reads are positional and run concurrently; appends are serialized on a
 * lock and enter the index only once written. One process holds the file at a time (an exclusive file
 * lock, taken at {@link #open} and released by {@link #close}).
 */
public final class EmbeddingCache implements Closeable {
  /** The cache file's name inside the directory. */
  public static final String FILE_NAME = "embeddings-v1.bin";

  private static final byte[] MAGIC = "BWEMBv1\n".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int MAX_DIMS = 1 << 16;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<Key, Entry> index = new ConcurrentHashMap<>();
  private final Object appendLock = new Object();
  private final long droppedBytes;

  // @GuardedBy("appendLock")
  private long end;

  private EmbeddingCache(Path file, FileChannel channel, FileLock lock) throws IOException {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    long size = channel.size();
    this.end = load(size);
    this.droppedBytes = size - end;
    if (end < size) {
      channel.truncate(end);
    }
  }

  /**
   * Opens (or creates) the cache in {@code directory}, creating the directory when missing.
   *
   * @throws IOException when the file cannot be read or written, is not a cache file, or is held by
   *     another cache (in this process or another)
   */
  public static EmbeddingCache open(Path directory) throws IOException {
    Files.createDirectories(requireNonNull(directory, "directory"));
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IOException("embedding cache " + file + " is in use by another cache");
      }
      return new EmbeddingCache(file, channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The cache file. */
  public Path file() {
    return file;
  }

  /** How many embeddings the cache holds. */
  public int size() {
    return index.size();
  }

  /** How many bytes of a torn or corrupt tail {@link #open} cut off (0 for a clean file). */
  public long droppedBytes() {
    return droppedBytes;
  }

  /** The cached embedding of {@code text} by encoder {@code encoderId}, if any (a fresh copy). */
  public Optional<float[]> get(String encoderId, String text) {
    Entry e = index.get(key(encoderId, text));
    if (e == null) {
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.allocate(e.dims * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
    try {
      readFully(buf, e.offset);
    } catch (IOException ex) {
      throw new UncheckedIOException("could not read the embedding cache " + file, ex);
    }
    buf.flip();
    float[] v = new float[e.dims];
    buf.asFloatBuffer().get(v);
    return Optional.of(v);
  }

  /** Stores the embedding of {@code text} by encoder {@code encoderId}; a key already present is kept as it is. */
  public void put(String encoderId, String text, float[] vector) {
    requireNonNull(vector, "vector");
    if (vector.length == 0 || vector.length > MAX_DIMS) {
      throw new IllegalArgumentException("vector must have 1 to " + MAX_DIMS + " dimensions, had " + vector.length);
    }
    Key key = key(encoderId, text);
    ByteBuffer rec =
        ByteBuffer.allocate(KEY_BYTES + Integer.BYTES + vector.length * Float.BYTES + Integer.BYTES)
            .order(ByteOrder.BIG_ENDIAN);
    key.writeTo(rec);
    rec.putInt(vector.length);
    for (float f : vector) {
      rec.putFloat(f);
    }
    CRC32 crc = new CRC32();
    crc.update(rec.array(), 0, rec.position());
    rec.putInt((int) crc.getValue());
    rec.flip();
    synchronized (appendLock) {
      if (index.containsKey(key)) {
        return;
      }
      long at = end;
      try {
        while (rec.hasRemaining()) {
          at += channel.write(rec, at);
        }
      } catch (IOException ex) {
        throw new UncheckedIOException("could not append to the embedding cache " + file, ex);
      }
      index.put(key, new Entry(end + KEY_BYTES + Integer.BYTES, vector.length));
      end = at;
    }
  }

  /**
   * The embeddings of {@code texts} (window texts) in order: cached ones read back, the others
   * embedded by {@code encoder} on {@code parallelism} threads and added to the cache. A text repeated
   * in {@code texts} is embedded once.
   */
  public List<float[]> embedAll(Encoder encoder, List<String> texts, int parallelism) {
    requireNonNull(encoder, "encoder");
    String id = encoder.id();
    float[][] out = new float[texts.size()][];
    Map<String, List<Integer>> missing = new LinkedHashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = requireNonNull(texts.get(i), "text");
      Optional<float[]> hit = get(id, t);
      if (hit.isPresent()) {
        out[i] = hit.get();
      } else {
        missing.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
      }
    }
    if (!missing.isEmpty()) {
      List<String> todo = List.copyOf(missing.keySet());
      List<float[]> embedded = encoder.embedAll(todo, parallelism);
      for (int j = 0; j < todo.size(); j++) {
        float[] v = embedded.get(j);
        put(id, todo.get(j), v);
        for (int i : missing.get(todo.get(j))) {
          out[i] = v.clone();
        }
      }
    }
    return List.of(out);
  }

  /** Forces appended records to the storage device. */
  public void flush() throws IOException {
    channel.force(false);
  }

  /** Flushes, releases the file lock and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      if (channel.isOpen()) {
        channel.force(false);
      }
    } finally {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } finally {
        channel.close();
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddingCache{file=" + file + ", entries=" + index.size() + "}";
  }

  /** Reads the header and the records, filling the index; returns the end of the last whole record. */
  private long load(long size) throws IOException {
    if (size < MAGIC.length) {
      // Empty, or torn while the header was written: start over, but never over a foreign file.
      ByteBuffer head = ByteBuffer.allocate((int) size);
      readFully(head, 0);
      if (!Arrays.equals(head.array(), Arrays.copyOf(MAGIC, (int) size))) {
        throw new IOException(file + " is not an embedding cache");
      }
      channel.truncate(0);
      ByteBuffer magic = ByteBuffer.wrap(MAGIC);
      long at = 0;
      while (magic.hasRemaining()) {
        at += channel.write(magic, at);
      }
      return MAGIC.length;
    }
    ByteBuffer head = ByteBuffer.allocate(MAGIC.length);
    readFully(head, 0);
    if (!Arrays.equals(head.array(), MAGIC)) {
      throw new IOException(file + " is not an embedding cache (or of another version)");
    }
    long at = MAGIC.length;
    ByteBuffer fixed = ByteBuffer.allocate(KEY_BYTES + Integer.BYTES).order(ByteOrder.BIG_ENDIAN);
    while (size - at >= fixed.capacity()) {
      fixed.clear();
      readFully(fixed, at);
      int dims = fixed.getInt(KEY_BYTES);
      if (dims < 1 || dims > MAX_DIMS) {
        break;
      }
      long recordBytes = (long) fixed.capacity() + (long) dims * Float.BYTES + Integer.BYTES;
      if (size - at < recordBytes) {
        break;
      }
      ByteBuffer rest = ByteBuffer.allocate(dims * Float.BYTES + Integer.BYTES).order(ByteOrder.BIG_ENDIAN);
      readFully(rest, at + fixed.capacity());
      CRC32 crc = new CRC32();
      crc.update(fixed.array());
      crc.update(rest.array(), 0, dims * Float.BYTES);
      if ((int) crc.getValue() != rest.getInt(dims * Float.BYTES)) {
        break;
      }
      index.putIfAbsent(Key.readFrom(fixed.array()), new Entry(at + fixed.capacity(), dims));
      at += recordBytes;
    }
    return at;
  }

  private void readFully(ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int r = channel.read(buf, at);
      if (r < 0) {
        throw new IOException("unexpected end of " + file + " at " + at);
      }
      at += r;
    }
  }

  private static Key key(String encoderId, String text) {
    requireNonNull(encoderId, "encoderId");
    requireNonNull(text, "text");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] id = encoderId.getBytes(StandardCharsets.UTF_8);
      // Length-prefixed so that no (id, text) pair reads as another.
      sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(id.length).array());
      sha.update(id);
      sha.update(text.getBytes(StandardCharsets.UTF_8));
      return Key.readFrom(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** A SHA-256, as four longs (compact in the index). */
  private record Key(long a, long b, long c, long d) {
    static Key readFrom(byte[] bytes) {
      ByteBuffer buf = ByteBuffer.wrap(bytes, 0, KEY_BYTES).order(ByteOrder.BIG_ENDIAN);
      return new Key(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }

    void writeTo(ByteBuffer buf) {
      buf.putLong(a).putLong(b).putLong(c).putLong(d);
    }
  }

  /** Where a vector's floats start in the file, and how many there are. */
  private record Entry(long offset, int dims) {}
}
