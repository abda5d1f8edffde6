package io.propius.api;

import java.util.regex.Pattern;

/** Rules for the names of device attributes and constraint keys. */
public final class AttributeNames {
  /** Lower-case identifier, at most 64 characters: {@code cpu_cores}, {@code os_version}. */
  public static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private AttributeNames() {
  }

  /** @throws PropiusException INVALID_ARGUMENT naming {@code where} when the name is not valid */
  public static String check(String name, String where) {
    if (!isValid(name)) {
      throw PropiusException.invalid(where + ": attribute name '" + name
          + "' is not valid (lower-case letters, digits and '_', starting with a letter, at most 64)");
    }
    return name;
  }

  /** What {@link #VALID} matches, without a matcher: every check-in checks each attribute's name. */
  private static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > 64 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
