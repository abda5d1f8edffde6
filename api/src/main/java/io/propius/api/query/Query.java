package io.propius.api.query;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed predicate over named numeric values. The language:
 *
 * <pre>
 *   query      := or
 *   or         := and ( ("or" | "||") and )*
 *   and        := unary ( ("and" | "&amp;&amp;") unary )*
 *   unary      := ("not" | "!") unary | "(" or ")" | "true" | "false" | comparison
 *   comparison := operand op operand | operand "in" "[" number "," number "]"
 *   op         := "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!="
 *   operand    := name | number          name := [A-Za-z_][A-Za-z0-9_.]*
 * </pre>
 *
 * {@code x in [a, b]} is the closed range {@code a <= x <= b}. A comparison that touches a missing
 * value is false (also {@code !=}); {@code not (x == 1)} is true when x is missing. Parse once with
 * {@link #parse(String)} and evaluate many times: evaluation allocates nothing.
 */
public abstract sealed class Query {
  /** Longest query text accepted. */
  public static final int MAX_LENGTH = 4096;

  public static final Query TRUE = new Literal(true);

  Query() {
  }

  /** @throws QuerySyntaxException with the column and the expected token */
  public static Query parse(String text) {
    return new QueryParser(text).parse();
  }

  public abstract boolean test(AttributeSource values);

  /** The names this query reads, sorted. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    collectNames(names);
    return names;
  }

  abstract void collectNames(Set<String> names);

  enum Op {
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean apply(double a, double b) {
      if (Double.isNaN(a) || Double.isNaN(b)) {
        return false;
      }
      return switch (this) {
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        case EQ -> a == b;
        case NE -> a != b;
      };
    }
  }

  /** A name or a number. */
  record Operand(String name, double number) {
    double value(AttributeSource values) {
      return name == null ? number : values.valueOf(name);
    }

    @Override
    public String toString() {
      return name != null ? name : formatNumber(number);
    }
  }

  static String formatNumber(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  static final class Literal extends Query {
    final boolean value;

    Literal(boolean value) {
      this.value = value;
    }

    @Override
    public boolean test(AttributeSource values) {
      return value;
    }

    @Override
    void collectNames(Set<String> names) {
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  static final class Comparison extends Query {
    final Operand left;
    final Op op;
    final Operand right;

    Comparison(Operand left, Op op, Operand right) {
      this.left = left;
      this.op = op;
      this.right = right;
    }

    @Override
    public boolean test(AttributeSource values) {
      return op.apply(left.value(values), right.value(values));
    }

    @Override
    void collectNames(Set<String> names) {
      if (left.name() != null) {
        names.add(left.name());
      }
      if (right.name() != null) {
        names.add(right.name());
      }
    }

    @Override
    public String toString() {
      return left + " " + op.symbol + " " + right;
    }
  }

  static final class Range extends Query {
    final Operand subject;
    final double low;
    final double high;

    Range(Operand subject, double low, double high) {
      this.subject = subject;
      this.low = low;
      this.high = high;
    }

    @Override
    public boolean test(AttributeSource values) {
      double v = subject.value(values);
      return v >= low && v <= high;
    }

    @Override
    void collectNames(Set<String> names) {
      if (subject.name() != null) {
        names.add(subject.name());
      }
    }

    @Override
    public String toString() {
      return subject + " in [" + formatNumber(low) + ", " + formatNumber(high) + "]";
    }
  }

  static final class Not extends Query {
    final Query inner;

    Not(Query inner) {
      this.inner = inner;
    }

    @Override
    public boolean test(AttributeSource values) {
      return !inner.test(values);
    }

    @Override
    void collectNames(Set<String> names) {
      inner.collectNames(names);
    }

    @Override
    public String toString() {
      return "not (" + inner + ")";
    }
  }

  /** Parts joined by {@code and} or {@code or}: they differ only in which answer ends the evaluation. */
  abstract static sealed class Junction extends Query {
    final Query[] parts;
    private final boolean decisive;
    private final String separator;

    /** @param decisive the part answer that decides the whole (false for and, true for or) */
    Junction(List<Query> parts, boolean decisive, String separator) {
      this.parts = parts.toArray(new Query[0]);
      this.decisive = decisive;
      this.separator = separator;
    }

    @Override
    public boolean test(AttributeSource values) {
      for (Query part : parts) {
        if (part.test(values) == decisive) {
          return decisive;
        }
      }
      return !decisive;
    }

    @Override
    void collectNames(Set<String> names) {
      for (Query part : parts) {
        part.collectNames(names);
      }
    }

    @Override
    public String toString() {
      return join(parts, separator);
    }
  }

  static final class And extends Junction {
    And(List<Query> parts) {
      super(parts, false, " and ");
    }
  }

  static final class Or extends Junction {
    Or(List<Query> parts) {
      super(parts, true, " or ");
    }
  }

  private static String join(Query[] parts, String separator) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(separator);
      }
      sb.append(parts[i]);
    }
    return sb.append(')').toString();
  }
}
