package io.propius.api.query;

import java.util.ArrayList;
import java.util.List;

/** Recursive-descent parser for {@link Query}; one instance per parse. */
final class QueryParser {
  private static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;
  private int depth;

  QueryParser(String text) {
    if (text == null) {
      throw new QuerySyntaxException("", 1, "query is missing");
    }
    if (text.length() > Query.MAX_LENGTH) {
      throw new QuerySyntaxException(text.substring(0, 32) + "...", 1,
          "query is " + text.length() + " characters, more than " + Query.MAX_LENGTH);
    }
    this.text = text;
  }

  Query parse() {
    skipSpace();
    if (pos == text.length()) {
      throw error("query is empty");
    }
    Query q = parseOr();
    skipSpace();
    if (pos < text.length()) {
      throw error("unexpected '" + rest() + "', expected 'and', 'or' or end of query");
    }
    return q;
  }

  private Query parseOr() {
    List<Query> parts = new ArrayList<>();
    parts.add(parseAnd());
    while (acceptWord("or") || acceptSymbol("||")) {
      parts.add(parseAnd());
    }
    return parts.size() == 1 ? parts.get(0) : new Query.Or(parts);
  }

  private Query parseAnd() {
    List<Query> parts = new ArrayList<>();
    parts.add(parseUnary());
    while (acceptWord("and") || acceptSymbol("&&")) {
      parts.add(parseUnary());
    }
    return parts.size() == 1 ? parts.get(0) : new Query.And(parts);
  }

  private Query parseUnary() {
    if (++depth > MAX_DEPTH) {
      throw error("query nests deeper than " + MAX_DEPTH);
    }
    try {
      skipSpace();
      if (acceptWord("not") || (peekIs("!") && !peekIs("!=") && acceptSymbol("!"))) {
        return new Query.Not(parseUnary());
      }
      if (acceptSymbol("(")) {
        Query inner = parseOr();
        expectSymbol(")", "')'");
        return inner;
      }
      if (acceptWord("true")) {
        return Query.TRUE;
      }
      if (acceptWord("false")) {
        return new Query.Literal(false);
      }
      return parseComparison();
    } finally {
      depth--;
    }
  }

  private Query parseComparison() {
    Query.Operand left = parseOperand();
    skipSpace();
    if (acceptWord("in")) {
      expectSymbol("[", "'[' after 'in'");
      double low = parseNumber();
      expectSymbol(",", "',' between the range's bounds");
      double high = parseNumber();
      expectSymbol("]", "']' closing the range");
      if (low > high) {
        throw error("range [" + Query.formatNumber(low) + ", " + Query.formatNumber(high) + "] is empty");
      }
      return new Query.Range(left, low, high);
    }
    Query.Op op = parseOp();
    Query.Operand right = parseOperand();
    return new Query.Comparison(left, op, right);
  }

  private Query.Op parseOp() {
    skipSpace();
    for (String symbol : new String[] {"<=", ">=", "==", "!=", "<", ">"}) {
      if (acceptSymbol(symbol)) {
        for (Query.Op op : Query.Op.values()) {
          if (op.symbol.equals(symbol)) {
            return op;
          }
        }
      }
    }
    if (peekIs("=")) {
      throw error("'=' is not an operator, use '=='");
    }
    throw error(pos == text.length() ? "query ends where a comparison operator (<, <=, >, >=, ==, !=) or 'in' was expected"
        : "expected a comparison operator (<, <=, >, >=, ==, !=) or 'in' before '" + rest() + "'");
  }

  private Query.Operand parseOperand() {
    skipSpace();
    if (pos == text.length()) {
      throw error("query ends where a name or number was expected");
    }
    char c = text.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < text.length() && isNameChar(text.charAt(pos))) {
        pos++;
      }
      String name = text.substring(start, pos);
      if (isKeyword(name)) {
        pos = start;
        throw error("expected a name or number, found keyword '" + name + "'");
      }
      return new Query.Operand(name, 0);
    }
    return new Query.Operand(null, parseNumber());
  }

  private double parseNumber() {
    skipSpace();
    int start = pos;
    if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE".indexOf(text.charAt(pos)) >= 0
        || ((text.charAt(pos) == '-' || text.charAt(pos) == '+') && "eE".indexOf(text.charAt(pos - 1)) >= 0))) {
      pos++;
    }
    String literal = text.substring(start, pos);
    try {
      double d = Double.parseDouble(literal);
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      pos = start;
      throw error(pos == text.length() ? "query ends where a number was expected"
          : "expected a number, found '" + rest() + "'");
    }
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }

  private static boolean isKeyword(String word) {
    return switch (word) {
      case "and", "or", "not", "in", "true", "false" -> true;
      default -> false;
    };
  }

  private boolean acceptWord(String word) {
    skipSpace();
    int end = pos + word.length();
    if (text.regionMatches(true, pos, word, 0, word.length())
        && (end == text.length() || !isNameChar(text.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private boolean peekIs(String symbol) {
    return text.startsWith(symbol, pos);
  }

  private boolean acceptSymbol(String symbol) {
    skipSpace();
    if (text.startsWith(symbol, pos)) {
      pos += symbol.length();
      return true;
    }
    return false;
  }

  private void expectSymbol(String symbol, String what) {
    if (!acceptSymbol(symbol)) {
      throw error(pos == text.length() ? "query ends where " + what + " was expected"
          : "expected " + what + " before '" + rest() + "'");
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private String rest() {
    int end = Math.min(text.length(), pos + 16);
    return text.substring(pos, end) + (end < text.length() ? "..." : "");
  }

  private QuerySyntaxException error(String problem) {
    return new QuerySyntaxException(text, pos + 1, problem);
  }
}
