package dev.bulwark.classify.canon;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * HTML character references: decimal ({@code &#104;}) and hexadecimal ({@code &#x68;}) numeric ones,
 * the semicolon optional as browsers allow, and the common named ones from a small table. Fires on at
 * least one reference; a reference to no valid character (zero, a surrogate, beyond U+10FFFF) stays
 * as written.
 */
final class HtmlDecoder implements Decoder {
  static final String NAME = View.HTML;

  private static final int MAX_NAME = 8;
  private static final int MAX_DIGITS = 8;

  private static final Map<String, String> NAMED =
      Map.ofEntries(
          Map.entry("amp", "&"),
          Map.entry("lt", "<"),
          Map.entry("gt", ">"),
          Map.entry("quot", "\""),
          Map.entry("apos", "'"),
          Map.entry("nbsp", "\u00A0"),
          Map.entry("ensp", "\u2002"),
          Map.entry("emsp", "\u2003"),
          Map.entry("thinsp", "\u2009"),
          Map.entry("zwsp", "\u200B"),
          Map.entry("zwnj", "\u200C"),
          Map.entry("zwj", "\u200D"),
          Map.entry("shy", "\u00AD"),
          Map.entry("ndash", "\u2013"),
          Map.entry("mdash", "\u2014"),
          Map.entry("lsquo", "\u2018"),
          Map.entry("rsquo", "\u2019"),
          Map.entry("ldquo", "\u201C"),
          Map.entry("rdquo", "\u201D"),
          Map.entry("laquo", "\u00AB"),
          Map.entry("raquo", "\u00BB"),
          Map.entry("hellip", "\u2026"),
          Map.entry("middot", "\u00B7"),
          Map.entry("bull", "\u2022"),
          Map.entry("copy", "\u00A9"),
          Map.entry("reg", "\u00AE"),
          Map.entry("trade", "\u2122"),
          Map.entry("deg", "\u00B0"),
          Map.entry("times", "\u00D7"),
          Map.entry("divide", "\u00F7"),
          Map.entry("euro", "\u20AC"),
          Map.entry("pound", "\u00A3"),
          Map.entry("cent", "\u00A2"),
          Map.entry("yen", "\u00A5"),
          Map.entry("sect", "\u00A7"),
          Map.entry("para", "\u00B6"),
          Map.entry("colon", ":"),
          Map.entry("semi", ";"),
          Map.entry("comma", ","),
          Map.entry("period", "."),
          Map.entry("excl", "!"),
          Map.entry("quest", "?"),
          Map.entry("num", "#"),
          Map.entry("percnt", "%"),
          Map.entry("lpar", "("),
          Map.entry("rpar", ")"),
          Map.entry("sol", "/"),
          Map.entry("bsol", "\\"),
          Map.entry("equals", "="),
          Map.entry("plus", "+"),
          Map.entry("Tab", "\t"),
          Map.entry("NewLine", "\n"));

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < n) {
      work.add(1);
      if (text.charAt(i) != '&') {
        i++;
        continue;
      }
      int end;
      String replacement;
      if (i + 1 < n && text.charAt(i + 1) == '#') {
        int k = i + 2;
        boolean hex = k < n && (text.charAt(k) == 'x' || text.charAt(k) == 'X');
        if (hex) {
          k++;
        }
        int digitsStart = k;
        long value = 0;
        while (k < n && k - digitsStart < MAX_DIGITS) {
          int d = hex ? TextChecks.hexValue(text.charAt(k)) : digit(text.charAt(k));
          if (d < 0) {
            break;
          }
          value = value * (hex ? 16 : 10) + d;
          k++;
        }
        work.add(k - i);
        if (k == digitsStart
            || value == 0
            || value > Character.MAX_CODE_POINT
            || (value >= Character.MIN_SURROGATE && value <= Character.MAX_SURROGATE)) {
          i++;
          continue;
        }
        if (k < n && text.charAt(k) == ';') {
          k++;
        }
        end = k;
        replacement = new String(Character.toChars((int) value));
      } else {
        int k = i + 1;
        while (k < n && k - i <= MAX_NAME && isAsciiLetterOrDigit(text.charAt(k))) {
          k++;
        }
        work.add(k - i);
        @Nullable String named =
            k < n && text.charAt(k) == ';' && k > i + 1 ? NAMED.get(text.substring(i + 1, k)) : null;
        if (named == null) {
          i++;
          continue;
        }
        end = k + 1;
        replacement = named;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, i).append(replacement);
      copied = end;
      i = end;
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  private static int digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : -1;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
