package io.propius.api.tensor;

/** Element type of a tensor on the wire; the code is byte 4 of the header. */
public enum DType {
  FLOAT32(1, 4),
  FLOAT64(2, 8);

  private final int code;
  private final int bytes;

  DType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  /** The header byte. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** @throws TensorFormatException for a code that is neither float32 nor float64 */
  public static DType of(int code) {
    for (DType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new TensorFormatException("unknown tensor dtype " + code + " (1 = float32, 2 = float64)");
  }
}
