package dev.bulwark.response.proliferate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of an observed fragmented payload, so that proliferation cuts other requests the same way:
 * each piece written as {@code before + number + between + quote + words + quote} ({@code word 1: how},
 * {@code s0 = "how do"}), pieces joined by {@code separator}, numbered from {@code firstNumber}, and
 * {@code wordsPerPiece} words to a piece; or, when the wrapper names the pieces (a concatenation line
 * {@code z = s0 + s1 + s2} after them), exactly {@code pieces} pieces, since the wrapper's line only
 * joins that many.
 *
 * <p>{@link PayloadCodec#FRAGMENTS} alone writes a layout of its own, picked by the text's hash, which
 * keeps only the technique: a swapped-in request in the observed wrapper then reads unlike the observed
 * attack, and a family whose layout is its own (string variables) gets few variants of it.
 *
 * @param terminal what follows the last piece ({@code ;} for pieces on one line that each end in one)
 * @param pieces the fixed number of pieces, or 0 for as many as the words need
 */
public record FragmentLayout(String before, String between, String quote, String separator, String terminal,
    int firstNumber, int wordsPerPiece, int pieces) {

  /** A piece: a label with a number, then its words, quoted or bare. */
  private static final Pattern PIECE = Pattern.compile(
      "^([^\\d\\n;]{0,12}?)(\\d{1,3})([^\\p{L}\\d\"'\\n;]{1,5})([\"']?)([\\p{L}\\d][^\\n;]*?)\\4$");

  public FragmentLayout {
    requireNonNull(before, "before");
    requireNonNull(between, "between");
    requireNonNull(quote, "quote");
    requireNonNull(separator, "separator");
    requireNonNull(terminal, "terminal");
    if (firstNumber < 0 || wordsPerPiece < 1 || pieces < 0) {
      throw new IllegalArgumentException("firstNumber and pieces must be >= 0 and wordsPerPiece >= 1");
    }
  }

  /**
   * The layout of {@code run}, a fragmented payload between {@code prefix} and {@code suffix}, when it
   * is numbered pieces of one shape that this layout writes back exactly; empty otherwise.
   */
  public static Optional<FragmentLayout> infer(String run, String prefix, String suffix) {
    String body = run.strip();
    boolean lines = body.indexOf('\n') >= 0;
    String separator = lines ? "\n" : "; ";
    String terminal = "";
    if (!lines && body.endsWith(";")) {
      terminal = ";";
      body = body.substring(0, body.length() - 1).strip();
    }
    String[] segments = lines ? body.split("\n") : body.split(";\\s*");
    if (segments.length < 3) {
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    String before = null;
    String between = null;
    String quote = null;
    int first = -1;
    for (int i = 0; i < segments.length; i++) {
      Matcher m = PIECE.matcher(segments[i].strip());
      if (!m.matches()) {
        return Optional.empty();
      }
      int number = Integer.parseInt(m.group(2));
      if (i == 0) {
        before = m.group(1);
        between = m.group(3);
        quote = m.group(4);
        first = number;
      } else if (!m.group(1).equals(before) || !m.group(3).equals(between) || !m.group(4).equals(quote)
          || number != first + i) {
        return Optional.empty();
      }
      if (PayloadCodec.words(m.group(5)) > PayloadCodec.MAX_PIECE_WORDS) {
        // Numbered sentences (a template's rules) are not pieces of a request.
        return Optional.empty();
      }
      values.add(m.group(5).strip());
    }
    String label = before.strip() + (first + segments.length - 1);
    boolean named = !before.isBlank() && Character.isLetter(label.charAt(0))
        && Pattern.compile("(?<![\\p{L}\\d_])" + Pattern.quote(label) + "(?![\\p{L}\\d_])").matcher(prefix + "\n" + suffix).find();
    FragmentLayout layout = new FragmentLayout(before, between, quote, separator, terminal, first,
        PayloadCodec.words(values.get(0)), named ? segments.length : 0);
    String payload = String.join(" ", values);
    // Only a layout that writes the observed run back exactly is the observed layout.
    return layout.write(payload).filter(w -> w.equals(run.strip())).map(w -> layout);
  }

  /** {@code payload} in this layout, or empty when it has fewer words than the fixed number of pieces. */
  public Optional<String> write(String payload) {
    String[] w = payload.strip().split("\\s+");
    if (w.length == 0 || w[0].isEmpty()) {
      return Optional.empty();
    }
    List<String> chunks = new ArrayList<>();
    int byWords = (w.length + wordsPerPiece - 1) / wordsPerPiece;
    if (pieces == 0 || byWords == pieces) {
      for (int i = 0; i < w.length; i += wordsPerPiece) {
        chunks.add(String.join(" ", Arrays.copyOfRange(w, i, Math.min(w.length, i + wordsPerPiece))));
      }
    } else {
      if (w.length < pieces) {
        return Optional.empty();
      }
      for (int i = 0; i < pieces; i++) {
        chunks.add(String.join(" ", Arrays.copyOfRange(w, i * w.length / pieces, (i + 1) * w.length / pieces)));
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < chunks.size(); i++) {
      if (i > 0) {
        b.append(separator);
      }
      b.append(before).append(firstNumber + i).append(between).append(quote).append(chunks.get(i)).append(quote);
    }
    return Optional.of(b.append(terminal).toString().strip());
  }
}
