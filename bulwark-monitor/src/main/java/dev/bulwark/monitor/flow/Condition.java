package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.NodeOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An edge's condition: a small expression over earlier nodes' outputs, the account's risk and the
 * exchange, compiled once at load. Immutable and thread-safe.
 *
 * <pre>
 * condition  := or
 * or         := and ("or" and)*
 * and        := not ("and" not)*
 * not        := "not" not | comparison
 * comparison := operand [ (">=" | ">" | "<=" | "<" | "==" | "!=") operand | "in" (list | reference) ]
 * operand    := reference | number | 'text' | true | false | "(" condition ")"
 * reference  := node.score | node.category | node.finding | node.failed | node.ran | node.labels
 *             | node.VALUE | account.risk | exchange.(tier|model|type|action|outcome|account)
 *             | exchange.turns | meta.KEY
 * </pre>
 *
 * Examples: {@code triage.score >= 0.3}, {@code deep.category in ['cbrn.biological',
 * 'cbrn.chemical']}, {@code 'refusal_streak' in rules.labels}, {@code judge.finding or judge.failed},
 * {@code account.risk >= 10 and exchange.tier == 'standard'}.
 *
 * <p>A comparison with a value that is absent (a node that did not run, a tier the event does not
 * carry) is false, whatever the operator: absence never satisfies a condition.
 */
public final class Condition {
  /** The condition of an edge without {@code when}. */
  public static final Condition ALWAYS = new Condition("true", env -> true, Set.of());

  private final String text;
  private final Expr expr;
  private final Set<String> nodes;

  private Condition(String text, Expr expr, Set<String> nodes) {
    this.text = text;
    this.expr = expr;
    this.nodes = Set.copyOf(nodes);
  }

  /** What a condition reads at run time. */
  public interface Input {
    @Nullable NodeOutput output(String node);

    double accountRisk();

    Exchange exchange();
  }

  /** Says what a node's field is, or throws {@link IllegalArgumentException} saying why not. */
  @FunctionalInterface
  public interface Resolver {
    Type resolve(String node, String field);
  }

  /** The type of a reference. */
  public enum Type {
    NUMBER,
    TEXT,
    BOOLEAN,
    TEXT_SET
  }

  /**
   * Compiles {@code text}.
   *
   * @param resolver checks node references (existence, field names) and gives their types
   * @throws IllegalArgumentException saying what is wrong and where (a column, from 1)
   */
  public static Condition parse(String text, Resolver resolver) {
    requireNonNull(text, "text");
    requireNonNull(resolver, "resolver");
    Parser p = new Parser(text, resolver);
    Typed t = p.parseOr();
    p.expectEnd();
    if (t.type != Type.BOOLEAN) {
      throw new IllegalArgumentException("the condition is a " + t.type.name().toLowerCase(Locale.ROOT)
          + ", not true or false: compare it, e.g. '" + text.trim() + " >= 0.5'");
    }
    Expr e = t.bool;
    return new Condition(text.trim(), requireNonNull(e), p.nodes);
  }

  public boolean test(Input input) {
    return expr.test(input);
  }

  /** The nodes whose outputs it reads. */
  public Set<String> nodes() {
    return nodes;
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  @FunctionalInterface
  private interface Expr {
    boolean test(Input in);
  }

  @FunctionalInterface
  private interface Value {
    @Nullable Object get(Input in);
  }

  /** A parsed operand: a boolean expression, or a value of a type. */
  private static final class Typed {
    final Type type;
    final @Nullable Expr bool;
    final @Nullable Value value;
    final boolean literal;

    Typed(Type type, @Nullable Expr bool, @Nullable Value value, boolean literal) {
      this.type = type;
      this.bool = bool;
      this.value = value;
      this.literal = literal;
    }

    static Typed bool(Expr e) {
      return new Typed(Type.BOOLEAN, e, null, false);
    }
  }

  private static final class Parser {
    private final String s;
    private final Resolver resolver;
    private final Set<String> nodes = new TreeSet<>();
    private int pos;

    Parser(String s, Resolver resolver) {
      this.s = s;
      this.resolver = resolver;
    }

    Typed parseOr() {
      Typed left = parseAnd();
      while (keyword("or")) {
        Expr a = bool(left, "or");
        Expr b = bool(parseAnd(), "or");
        left = Typed.bool(in -> a.test(in) || b.test(in));
      }
      return left;
    }

    Typed parseAnd() {
      Typed left = parseNot();
      while (keyword("and")) {
        Expr a = bool(left, "and");
        Expr b = bool(parseNot(), "and");
        left = Typed.bool(in -> a.test(in) && b.test(in));
      }
      return left;
    }

    Typed parseNot() {
      if (keyword("not")) {
        Expr e = bool(parseNot(), "not");
        return Typed.bool(in -> !e.test(in));
      }
      return parseComparison();
    }

    Typed parseComparison() {
      int at = pos;
      Typed left = parseOperand();
      skipSpace();
      String op = operator();
      if (op != null) {
        Typed right = parseOperand();
        return compare(left, op, right, at);
      }
      if (keyword("in")) {
        skipSpace();
        if (peek() == '[') {
          List<Object> items = parseList();
          return membership(left, items, at);
        }
        Typed set = parseOperand();
        if (set.type != Type.TEXT_SET) {
          throw error(at, "'in' needs a list [...] or a labels reference on its right");
        }
        if (left.type != Type.TEXT) {
          throw error(at, "only text can be looked up in labels");
        }
        Value v = requireNonNull(left.value);
        Value sv = requireNonNull(set.value);
        return Typed.bool(in -> {
          Object x = v.get(in);
          Object labels = sv.get(in);
          return x != null && labels instanceof Set<?> ls && ls.contains(x);
        });
      }
      return left;
    }

    private Typed compare(Typed left, String op, Typed right, int at) {
      if (left.type == Type.TEXT_SET || right.type == Type.TEXT_SET) {
        throw error(at, "labels can only be used with 'in', e.g. 'rule_id' in node.labels");
      }
      if (left.type != right.type) {
        throw error(at, "cannot compare " + name(left.type) + " with " + name(right.type));
      }
      if (left.literal && right.literal) {
        throw error(at, "a comparison of two constants is always the same; compare a reference");
      }
      if (left.type != Type.NUMBER && !op.equals("==") && !op.equals("!=")) {
        throw error(at, "'" + op + "' compares numbers; " + name(left.type) + " takes == or !=");
      }
      Value a = valueOf(left);
      Value b = valueOf(right);
      return Typed.bool(in -> {
        Object x = a.get(in);
        Object y = b.get(in);
        if (x == null || y == null) {
          return false;
        }
        if (x instanceof Double dx && y instanceof Double dy) {
          double p = dx;
          double q = dy;
          return switch (op) {
            case ">=" -> p >= q;
            case ">" -> p > q;
            case "<=" -> p <= q;
            case "<" -> p < q;
            case "==" -> p == q;
            default -> p != q;
          };
        }
        return op.equals("==") == x.equals(y);
      });
    }

    private Typed membership(Typed left, List<Object> items, int at) {
      if (left.type != Type.TEXT && left.type != Type.NUMBER) {
        throw error(at, "only text or numbers can be looked up in a list");
      }
      for (Object item : items) {
        boolean ok = left.type == Type.TEXT ? item instanceof String : item instanceof Double;
        if (!ok) {
          throw error(at, "the list must hold " + name(left.type) + " items only");
        }
      }
      Value v = valueOf(left);
      List<Object> copy = List.copyOf(items);
      return Typed.bool(in -> {
        Object x = v.get(in);
        return x != null && copy.contains(x);
      });
    }

    private static Value valueOf(Typed t) {
      if (t.value != null) {
        return t.value;
      }
      Expr e = requireNonNull(t.bool);
      return in -> e.test(in);
    }

    private Expr bool(Typed t, String op) {
      if (t.type != Type.BOOLEAN) {
        throw error(pos, "'" + op + "' joins conditions; '" + name(t.type) + "' is not one (compare it first)");
      }
      return requireNonNull(t.bool);
    }

    Typed parseOperand() {
      skipSpace();
      int at = pos;
      char c = peek();
      if (c == '(') {
        pos++;
        Typed inner = parseOr();
        skipSpace();
        if (peek() != ')') {
          throw error(pos, "expected ')'");
        }
        pos++;
        return inner;
      }
      if (c == '\'' || c == '"') {
        String text = parseString();
        return new Typed(Type.TEXT, null, in -> text, true);
      }
      if (Character.isDigit(c) || c == '-' || c == '.') {
        double d = parseNumber();
        Double boxed = d;
        return new Typed(Type.NUMBER, null, in -> boxed, true);
      }
      if (Character.isLetter(c)) {
        String ref = parseReference();
        if (ref.equals("true") || ref.equals("false")) {
          boolean b = ref.equals("true");
          return new Typed(Type.BOOLEAN, in -> b, in -> b, true);
        }
        return reference(ref, at);
      }
      if (c == 0) {
        throw error(at, "unexpected end of the condition");
      }
      throw error(at, "unexpected '" + c + "'");
    }

    private Typed reference(String ref, int at) {
      int dot = ref.indexOf('.');
      if (dot < 0) {
        throw error(at, "'" + ref + "' is not a reference: write node.field, account.risk,"
            + " exchange.FIELD or meta.KEY");
      }
      String head = ref.substring(0, dot);
      String field = ref.substring(dot + 1);
      switch (head) {
        case "account" -> {
          if (!field.equals("risk")) {
            throw error(at, "unknown field 'account." + field + "'; account has: risk");
          }
          return new Typed(Type.NUMBER, null, in -> in.accountRisk(), false);
        }
        case "exchange" -> {
          return exchange(field, at);
        }
        case "meta" -> {
          return new Typed(Type.TEXT, null, in -> in.exchange().metadata().get(field), false);
        }
        default -> {
          if (field.contains(".")) {
            throw error(at, "'" + ref + "': a node reference is node.field");
          }
          Type type;
          try {
            type = resolver.resolve(head, field);
          } catch (IllegalArgumentException e) {
            throw error(at, e.getMessage());
          }
          nodes.add(head);
          return node(head, field, type);
        }
      }
    }

    private Typed exchange(String field, int at) {
      Value v = switch (field) {
        case "tier" -> in -> in.exchange().tier();
        case "model" -> in -> in.exchange().model();
        case "type" -> in -> in.exchange().eventType();
        case "action" -> in -> in.exchange().gatewayAction();
        case "outcome" -> in -> in.exchange().outcome();
        case "account" -> in -> in.exchange().account();
        case "turns" -> in -> (double) in.exchange().turns().size();
        default -> throw error(at, "unknown field 'exchange." + field
            + "'; exchange has: account, action, model, outcome, tier, turns, type");
      };
      return new Typed(field.equals("turns") ? Type.NUMBER : Type.TEXT, null, v, false);
    }

    private static Typed node(String node, String field, Type type) {
      return switch (field) {
        case "ran" -> Typed.bool(in -> in.output(node) != null);
        case "finding" -> Typed.bool(in -> {
          NodeOutput o = in.output(node);
          return o != null && o.hasFinding();
        });
        case "failed" -> Typed.bool(in -> {
          NodeOutput o = in.output(node);
          return o != null && o.failed();
        });
        case "score" -> new Typed(Type.NUMBER, null, in -> {
          NodeOutput o = in.output(node);
          return o == null ? null : o.score();
        }, false);
        case "category" -> new Typed(Type.TEXT, null, in -> {
          NodeOutput o = in.output(node);
          return o == null ? null : o.category();
        }, false);
        case "labels" -> new Typed(Type.TEXT_SET, null, in -> {
          NodeOutput o = in.output(node);
          return o == null ? null : o.labels();
        }, false);
        default -> {
          if (type != Type.NUMBER) {
            throw new IllegalStateException("a value field must be a number: " + field);
          }
          yield new Typed(Type.NUMBER, null, in -> {
            NodeOutput o = in.output(node);
            return o == null ? null : o.values().get(field);
          }, false);
        }
      };
    }

    private List<Object> parseList() {
      int at = pos;
      pos++; // [
      List<Object> items = new ArrayList<>();
      skipSpace();
      if (peek() == ']') {
        throw error(at, "the list is empty");
      }
      while (true) {
        skipSpace();
        char c = peek();
        if (c == '\'' || c == '"') {
          items.add(parseString());
        } else if (Character.isDigit(c) || c == '-' || c == '.') {
          items.add(parseNumber());
        } else {
          throw error(pos, "a list holds 'text' or numbers");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() == ']') {
          pos++;
          return items;
        } else {
          throw error(pos, "expected ',' or ']'");
        }
      }
    }

    private String parseString() {
      char quote = s.charAt(pos);
      int start = ++pos;
      while (pos < s.length() && s.charAt(pos) != quote) {
        pos++;
      }
      if (pos >= s.length()) {
        throw error(start - 1, "unterminated text");
      }
      return s.substring(start, pos++);
    }

    private double parseNumber() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      try {
        return Double.parseDouble(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error(start, "'" + s.substring(start, pos) + "' is not a number");
      }
    }

    private String parseReference() {
      int start = pos;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
          pos++;
        } else {
          break;
        }
      }
      return s.substring(start, pos);
    }

    private @Nullable String operator() {
      for (String op : new String[] {">=", "<=", "==", "!=", ">", "<"}) {
        if (s.startsWith(op, pos)) {
          pos += op.length();
          return op;
        }
      }
      if (peek() == '=') {
        throw error(pos, "'=' is not an operator; write '=='");
      }
      return null;
    }

    private boolean keyword(String word) {
      skipSpace();
      if (s.startsWith(word, pos)) {
        int end = pos + word.length();
        if (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
          pos = end;
          return true;
        }
      }
      return false;
    }

    void expectEnd() {
      skipSpace();
      if (pos < s.length()) {
        throw error(pos, "unexpected '" + s.substring(pos) + "'");
      }
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : 0;
    }

    private IllegalArgumentException error(int at, String message) {
      return new IllegalArgumentException("at column " + (at + 1) + ": " + message);
    }

    private static String name(Type t) {
      return switch (t) {
        case NUMBER -> "a number";
        case TEXT -> "text";
        case BOOLEAN -> "true/false";
        case TEXT_SET -> "labels";
      };
    }
  }
}
