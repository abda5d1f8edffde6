package io.propius.api.device;

import io.propius.api.PropiusException;
import java.util.regex.Pattern;

/** Device ids are chosen by devices (stable, opaque); this is what Propius accepts. */
public final class DeviceIds {
  public static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private DeviceIds() {
  }

  public static String check(String id) {
    if (!isValid(id)) {
      throw PropiusException.invalid("device_id '" + id + "' is not valid (1 to 128 of A-Z a-z 0-9 . _ : -)");
    }
    return id;
  }

  /** What {@link #VALID} matches, without a matcher: every check-in checks one. */
  private static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
