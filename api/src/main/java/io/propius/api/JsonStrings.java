package io.propius.api;

/** Strings that JSON carries as they are, so a writer may copy them without Jackson's escaping. */
public final class JsonStrings {
  private JsonStrings() {
  }

  /** Printable ASCII without quote or backslash: what a JSON writer leaves unescaped. */
  public static boolean isPlain(String s) {
    if (s == null) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
