package dev.bulwark.gateway.internal;

import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.ToolDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The text of a request as prompt stages read it, whatever protocol it came in: system instructions,
 * tool definitions, every message, tool calls in the history and tool results (a path for indirect
 * prompt injection). Parts with no text (images, documents, redacted thinking) are counted as
 * unreadable so verdicts can say the prompt was only partly scanned.
 */
final class Conversations {
  private Conversations() {}

  static Conversation of(ChatRequest request) {
    List<Turn> turns = new ArrayList<>();
    int[] unreadable = new int[1];
    for (ContentPart p : request.system()) {
      add(turns, Role.SYSTEM, p, unreadable);
    }
    for (ToolDefinition t : request.tools()) {
      String description = t.description() == null ? "" : ": " + t.description();
      turns.add(new Turn(Role.SYSTEM, "tool " + t.name() + description + " " + t.inputSchema()));
    }
    for (Message m : request.messages()) {
      Role role = switch (m.role()) {
        case SYSTEM -> Role.SYSTEM;
        case USER -> Role.USER;
        case ASSISTANT -> Role.ASSISTANT;
        case TOOL -> Role.TOOL;
      };
      for (ContentPart p : m.content()) {
        add(turns, role, p, unreadable);
      }
    }
    return new Conversation(request.model(), turns, unreadable[0]);
  }

  /** SHA-256 over the turns (role and text, length-delimited), for records that keep no text. */
  static String sha256(Conversation c) {
    MessageDigest sha = Hashing.sha256();
    for (Turn t : c.turns()) {
      byte[] text = t.text().getBytes(StandardCharsets.UTF_8);
      sha.update(t.role().name().getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(Integer.toString(text.length).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(text);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void add(List<Turn> turns, Role role, ContentPart part, int[] unreadable) {
    if (part instanceof ContentPart.Text t) {
      turns.add(new Turn(role, t.text()));
    } else if (part instanceof ContentPart.ToolUse u) {
      turns.add(new Turn(role, u.name() + " " + u.arguments()));
    } else if (part instanceof ContentPart.ToolResult r) {
      for (ContentPart inner : r.content()) {
        add(turns, Role.TOOL, inner, unreadable);
      }
    } else if (part instanceof ContentPart.Thinking th) {
      turns.add(new Turn(role, th.text()));
    } else {
      unreadable[0]++;
    }
  }
}
