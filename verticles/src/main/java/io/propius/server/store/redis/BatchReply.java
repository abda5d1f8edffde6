package io.propius.server.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of reserve.lua or confirm.lua to a batch: one string instead of nested arrays, which
 * cost redis-server and the event loop that parses them a reply object per value. Each value is
 * its length in bytes, {@code ':'} and its bytes, or {@code '-'} for a field the job's hash does not
 * hold; per item: outcome, detail (a lease deadline, an error's message, or empty), the number of
 * the job's values that follow, and those values.
 */
final class BatchReply {
  /**
   * One item's answer.
   *
   * @param outcome what the script did with the item ({@code BOUND}, {@code EXPIRED}, {@code ERROR}, …)
   * @param detail  the lease deadline of {@code ALREADY_BOUND}, the message of {@code ERROR}; else
   *                {@code "0"} or empty
   * @param job     the job's values as the script read them (a null element for a missing field),
   *                or null when the item carries none
   */
  record Item(String outcome, String detail, String[] job) {
  }

  private final byte[] bytes;
  private int at;

  private BatchReply(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * The items of a batch's answer, in order.
   *
   * @param bytes the script's answer; null or empty for no items
   * @throws IllegalArgumentException when the answer is not in this form
   */
  static List<Item> parse(byte[] bytes) {
    List<Item> items = new ArrayList<>();
    if (bytes == null) {
      return items;
    }
    BatchReply reply = new BatchReply(bytes);
    while (reply.at < bytes.length) {
      String outcome = reply.value();
      String detail = reply.value();
      int count = reply.count();
      String[] job = null;
      if (count > 0) {
        job = new String[count];
        for (int k = 0; k < count; k++) {
          job[k] = reply.value();
        }
      }
      items.add(new Item(outcome, detail, job));
    }
    return items;
  }

  private int count() {
    String count = value();
    if (count == null) {
      throw malformed("a count");
    }
    return Integer.parseInt(count);
  }

  /** The next value; null for '-'. */
  private String value() {
    if (at >= bytes.length) {
      throw malformed("a value");
    }
    if (bytes[at] == '-') {
      at++;
      return null;
    }
    int length = 0;
    int start = at;
    while (at < bytes.length && bytes[at] != ':') {
      int digit = bytes[at] - '0';
      if (digit < 0 || digit > 9 || at - start > 9) {
        throw malformed("a length");
      }
      length = length * 10 + digit;
      at++;
    }
    if (at == start || at >= bytes.length || bytes.length - at - 1 < length) {
      throw malformed("a length, ':' and as many bytes");
    }
    at++;
    String value = new String(bytes, at, length, StandardCharsets.UTF_8);
    at += length;
    return value;
  }

  private IllegalArgumentException malformed(String expected) {
    return new IllegalArgumentException("malformed batch answer: expected " + expected + " at byte " + at + " of "
        + bytes.length);
  }
}
