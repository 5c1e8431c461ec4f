package dev.bulwark.response.review;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data and secrets in text shown to reviewers or shared with partners: e-mail
 * addresses, phone numbers, payment card numbers (Luhn-checked), US social security numbers, IP
 * addresses, and credentials (API keys, bearer tokens, passwords in URLs). Each becomes a tag such as
 * {@code [EMAIL]}. Conservative by design: a masked false positive costs a reviewer a little context, a
 * missed address costs a person their privacy. Stateless and thread-safe.
 */
public final class Redactor {
  private record Rule(Pattern pattern, String tag, boolean luhn) {}

  /** A number run next to the match: the match is part of a sequence of numbers (codes, a table), not a phone number. */
  private static final Pattern NUMBER_BEFORE = Pattern.compile("\\d[ ,.-]?$");
  private static final Pattern NUMBER_AFTER = Pattern.compile("^[ ,.-]?\\d");

  private static final List<Rule> RULES = List.of(
      new Rule(Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^\\s/:@]+:[^\\s/@]+@"), "$1[URL-CREDENTIALS]@", false),
      new Rule(Pattern.compile("\\b(?:bwk|bwa)_[A-Za-z0-9_-]{10,}"), "[SECRET]", false),
      new Rule(Pattern.compile("\\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"), "[SECRET]", false),
      new Rule(Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"), "[SECRET]", false),
      new Rule(Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{16,}=*"), "Bearer [SECRET]", false),
      new Rule(Pattern.compile("(?i)\\b(password|passwd|pwd|secret|api[_-]?key|token)(\\s*[:=]\\s*)\\S+"), "$1$2[SECRET]", false),
      new Rule(Pattern.compile("(?i)\\b[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}\\b"), "[EMAIL]", false),
      new Rule(Pattern.compile("\\b(?:\\d[ -]?){12,18}\\d\\b"), "[CARD]", true),
      new Rule(Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b"), "[SSN]", false),
      new Rule(Pattern.compile("(?<![\\w.])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{2,4}\\)[ .-]?|\\d{2,4}[ .-])\\d{3,4}[ .-]\\d{3,4}(?![\\w.])"), "[PHONE]", false),
      new Rule(Pattern.compile("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\w.])"), "[IP]", false),
      new Rule(Pattern.compile("(?i)(?<![\\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\\w:])"), "[IP]", false));

  /** The text with personal data and secrets masked. */
  public String redact(String text) {
    String out = text;
    for (Rule r : RULES) {
      Matcher m = r.pattern().matcher(out);
      StringBuilder b = new StringBuilder(out.length());
      while (m.find()) {
        boolean inSequence = r.tag().equals("[PHONE]")
            && (NUMBER_BEFORE.matcher(out.substring(Math.max(0, m.start() - 2), m.start())).find()
                || NUMBER_AFTER.matcher(out.substring(m.end(), Math.min(out.length(), m.end() + 2))).find());
        if ((r.luhn() && !luhn(m.group())) || inSequence) {
          m.appendReplacement(b, Matcher.quoteReplacement(m.group()));
        } else {
          m.appendReplacement(b, r.tag().contains("$") ? r.tag() : Matcher.quoteReplacement(r.tag()));
        }
      }
      m.appendTail(b);
      out = b.toString();
    }
    return out;
  }

  static boolean luhn(String digits) {
    String d = digits.replaceAll("[^0-9]", "");
    if (d.length() < 13 || d.length() > 19) {
      return false;
    }
    int sum = 0;
    boolean dbl = false;
    for (int i = d.length() - 1; i >= 0; i--) {
      int n = d.charAt(i) - '0';
      if (dbl) {
        n *= 2;
        if (n > 9) {
          n -= 9;
        }
      }
      sum += n;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }
}
