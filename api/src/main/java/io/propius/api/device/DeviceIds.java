package io.propius.api.device;

import io.propius.api.PropiusException;
import java.util.regex.Pattern;

/** Device ids are chosen by devices (stable, opaque); this is what Propius accepts. */
public final class DeviceIds {
  public static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private DeviceIds() {
  }

  public static String check(String id) {
    if (id == null || !VALID.matcher(id).matches()) {
      throw PropiusException.invalid("device_id '" + id + "' is not valid (1 to 128 of A-Z a-z 0-9 . _ : -)");
    }
    return id;
  }
}
