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
    if (name == null || !VALID.matcher(name).matches()) {
      throw PropiusException.invalid(where + ": attribute name '" + name
          + "' is not valid (lower-case letters, digits and '_', starting with a letter, at most 64)");
    }
    return name;
  }
}
