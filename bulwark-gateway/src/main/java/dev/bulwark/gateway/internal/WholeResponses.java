package dev.bulwark.gateway.internal;

import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A whole response as a stream and back, so that non-streamed completions go through exactly the same
 * relay, stages and hold-back logic as streamed ones: one code path, one guarantee.
 */
final class WholeResponses {
  private WholeResponses() {}

  /** The events a stream of this response would have carried, each block as one delta. */
  static List<StreamEvent> toEvents(ChatResponse response) {
    List<StreamEvent> events = new ArrayList<>();
    events.add(new StreamEvent.MessageStart(response.id(), response.model(), response.created(), response.usage()));
    for (ChatResponse.Choice c : response.choices()) {
      int block = 0;
      for (ContentPart p : c.content()) {
        if (p instanceof ContentPart.Text t) {
          events.add(new StreamEvent.BlockStart(c.index(), block, BlockType.TEXT, null, null, null));
          events.add(new StreamEvent.BlockDelta(c.index(), block, BlockType.TEXT, t.text()));
        } else if (p instanceof ContentPart.Thinking th) {
          events.add(new StreamEvent.BlockStart(c.index(), block, BlockType.THINKING, null, null, null));
          events.add(new StreamEvent.BlockDelta(c.index(), block, BlockType.THINKING, th.text()));
          if (th.signature() != null) {
            events.add(new StreamEvent.SignatureDelta(c.index(), block, th.signature()));
          }
        } else if (p instanceof ContentPart.RedactedThinking r) {
          events.add(new StreamEvent.BlockStart(c.index(), block, BlockType.REDACTED_THINKING, null, null, r.data()));
        } else if (p instanceof ContentPart.ToolUse u) {
          events.add(new StreamEvent.BlockStart(c.index(), block, BlockType.TOOL_USE, u.id(), u.name(), null));
          events.add(new StreamEvent.BlockDelta(c.index(), block, BlockType.TOOL_USE, u.arguments()));
        } else {
          continue;
        }
        events.add(new StreamEvent.BlockStop(c.index(), block));
        block++;
      }
      StopReason reason = c.stopReason() == null ? StopReason.END_TURN : c.stopReason();
      events.add(new StreamEvent.ChoiceStop(c.index(), reason, c.stopSequence()));
    }
    events.add(new StreamEvent.UsageUpdate(response.usage()));
    events.add(new StreamEvent.MessageStop());
    return events;
  }

  /** Rebuilds a whole response from the events the relay releases. */
  static final class Collector implements Consumer<StreamEvent> {
    private final Map<Integer, ChoiceBuilder> choices = new TreeMap<>();
    private String id = "";
    private String model = "";
    private long created;
    private Usage usage = Usage.ZERO;

    @Override
    public void accept(StreamEvent e) {
      if (e instanceof StreamEvent.MessageStart s) {
        id = s.id();
        model = s.model();
        created = s.created();
        usage = s.usage();
      } else if (e instanceof StreamEvent.BlockStart b) {
        choice(b.choice()).blocks.put(b.block(), new BlockBuilder(b));
      } else if (e instanceof StreamEvent.BlockDelta d) {
        BlockBuilder b = choice(d.choice()).blocks.get(d.block());
        if (b != null) {
          b.text.append(d.text());
        }
      } else if (e instanceof StreamEvent.SignatureDelta s) {
        BlockBuilder b = choice(s.choice()).blocks.get(s.block());
        if (b != null) {
          b.signature = s.signature();
        }
      } else if (e instanceof StreamEvent.ChoiceStop c) {
        ChoiceBuilder b = choice(c.choice());
        b.reason = c.reason();
        b.stopSequence = c.stopSequence();
      } else if (e instanceof StreamEvent.UsageUpdate u) {
        usage = u.usage();
      }
    }

    /**
     * The response. A choice that was stopped by a safeguard keeps none of its content: a whole response
     * is all or nothing, and the refusal says why.
     */
    ChatResponse response(@Nullable String refusalMessage) {
      List<ChatResponse.Choice> out = new ArrayList<>();
      for (var e : choices.entrySet()) {
        ChoiceBuilder c = e.getValue();
        boolean refused = c.reason == StopReason.REFUSAL;
        List<ContentPart> parts = new ArrayList<>();
        if (!refused) {
          for (BlockBuilder b : c.blocks.values()) {
            parts.add(b.part());
          }
        }
        out.add(new ChatResponse.Choice(e.getKey(), parts, c.reason, c.stopSequence, refused ? refusalMessage : null));
      }
      return new ChatResponse(id, model, created, out, usage);
    }

    private ChoiceBuilder choice(int index) {
      return choices.computeIfAbsent(index, i -> new ChoiceBuilder());
    }
  }

  private static final class ChoiceBuilder {
    final Map<Integer, BlockBuilder> blocks = new TreeMap<>();
    @Nullable StopReason reason;
    @Nullable String stopSequence;
  }

  private static final class BlockBuilder {
    final StreamEvent.BlockStart start;
    final StringBuilder text = new StringBuilder();
    @Nullable String signature;

    BlockBuilder(StreamEvent.BlockStart start) {
      this.start = start;
    }

    ContentPart part() {
      return switch (start.type()) {
        case TEXT -> new ContentPart.Text(text.toString());
        case THINKING -> new ContentPart.Thinking(text.toString(), signature);
        case REDACTED_THINKING -> new ContentPart.RedactedThinking(start.data() == null ? "" : start.data());
        case TOOL_USE -> new ContentPart.ToolUse(
            start.toolId() == null ? "" : start.toolId(), start.toolName() == null ? "" : start.toolName(), text.toString());
      };
    }
  }
}
