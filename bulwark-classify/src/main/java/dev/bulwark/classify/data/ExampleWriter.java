package dev.bulwark.classify.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes examples in the format {@link ExampleReader} reads, one JSON object per line, with fields in
 * a fixed order ({@code id, source, group, text|prompt|messages, completion, label, category,
 * targets}) and {@code \n} line ends, so the same examples always give the same bytes. A single user
 * turn is written as {@code text} (prompts) or {@code prompt} (completions), anything else as {@code
 * messages}. Targets are always written, in {@link Category#ALL} order, so that reading the file back
 * gives equal examples.
 */
public final class ExampleWriter {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ExampleWriter() {}

  /** The line for one example, without the line end. */
  public static String toLine(Example e) {
    if (e.prompt().isEmpty()) {
      throw new IllegalArgumentException("example " + e.id() + " has no prompt turns");
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("id", e.id());
    o.put("source", e.source());
    o.put("group", e.group());
    boolean single = e.prompt().size() == 1 && e.prompt().get(0).role() == Role.USER;
    if (single) {
      o.put(e.kind() == ExampleKind.PROMPT ? "text" : "prompt", e.prompt().get(0).text());
    } else {
      ArrayNode messages = o.putArray("messages");
      for (Turn t : e.prompt()) {
        messages.addObject().put("role", t.role().name().toLowerCase(Locale.ROOT)).put("content", t.text());
      }
    }
    if (e.completion() != null) {
      o.put("completion", e.completion());
    }
    o.put("label", e.label().wireName());
    if (e.category() != null) {
      o.put("category", e.category());
    }
    ArrayNode targets = o.putArray("targets");
    for (Category c : Category.ALL) {
      if (e.targets().contains(c)) {
        targets.add(c.id());
      }
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException("a tree of strings always serializes", ex);
    }
  }

  /** Writes the examples, one line each. */
  public static void write(Writer out, Iterable<Example> examples) throws IOException {
    for (Example e : examples) {
      out.write(toLine(e));
      out.write('\n');
    }
  }

  /** Writes the examples to a UTF-8 file, replacing it. */
  public static void write(Path file, Iterable<Example> examples) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w, examples);
    }
  }
}
