package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A jailbreak wrapper with a slot for the request it carries. The shared template files are not
 * examples by themselves: the generator fills them with harmful and benign payloads.
 *
 * <p>Slots: {@code {{ prompt }}} (any spacing, and variants such as {@code {{ prompt_in_greek }}}),
 * {@code [INSERT PROMPT HERE]} and the constitution's {@code {payload}} take the payload; {@code
 * {generator.name}} takes a model name. A template with no payload slot (the DAN family, for one)
 * gets the payload after a blank line, which is how those prompts are used. Other Jinja variables
 * some templates carry ({@code {{ target_group }}}, {@code {{ term1 }}}) get a neutral word, so no
 * raw placeholder syntax leaks into training text.
 *
 * @param id the template's id ({@code pyrit-jb-aim}, {@code constitution-wrapper-03})
 * @param source the data file it came from, or {@code constitution}
 * @param group its split group: all examples made from it share the split
 * @param text the template
 */
public record JailbreakTemplate(String id, String source, String group, String text) {
  private static final Pattern PAYLOAD =
      Pattern.compile("\\{\\{\\s*prompt\\w*\\s*\\}\\}|\\[INSERT PROMPT HERE\\]|\\{payload\\}");
  private static final Pattern MODEL = Pattern.compile("\\{generator\\.name\\}");
  private static final Pattern OTHER_JINJA = Pattern.compile("\\{\\{\\s*(?!prompt)[A-Za-z_][A-Za-z0-9_]*\\s*\\}\\}");

  public JailbreakTemplate {
    requireNonNull(id, "id");
    requireNonNull(source, "source");
    requireNonNull(group, "group");
    requireNonNull(text, "text");
  }

  /** Whether the template has a slot for the payload (else the payload is appended). */
  public boolean hasPayloadSlot() {
    return PAYLOAD.matcher(text).find();
  }

  /**
   * The template with the payload in its slots (or appended) and the model name in its model slots.
   */
  public String fill(String payload, String modelName) {
    requireNonNull(payload, "payload");
    requireNonNull(modelName, "modelName");
    // Template-side substitutions first, so that nothing in the payload is mistaken for a slot.
    String out = MODEL.matcher(text).replaceAll(Matcher.quoteReplacement(modelName));
    out = OTHER_JINJA.matcher(out).replaceAll("the following");
    Matcher slot = PAYLOAD.matcher(out);
    return slot.find() ? slot.replaceAll(Matcher.quoteReplacement(payload)) : out.strip() + "\n\n" + payload;
  }
}
