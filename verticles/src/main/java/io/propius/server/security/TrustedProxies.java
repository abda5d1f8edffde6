package io.propius.server.security;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Which TCP peers are the deployment's own proxies ({@code devices.trustedProxies}, CIDRs), and
 * so whose {@code X-Forwarded-For} says who the client is. A header from any other peer is
 * ignored (anyone can send one). Behind trusted proxies the client is the right-most address of
 * the header that is not itself a trusted proxy: the hops to its left were written by whoever
 * sent the request and prove nothing.
 */
public final class TrustedProxies {
  /** No proxy is trusted: the client is always the TCP peer. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Cidr> ranges;

  private TrustedProxies(List<Cidr> ranges) {
    this.ranges = ranges;
  }

  /**
   * @param cidrs comma-separated: {@code 10.0.0.0/8, 192.168.1.7, fd00::/8} (an address alone is
   *     one host); blank: none
   * @throws IllegalArgumentException naming the first entry that is not a CIDR
   */
  public static TrustedProxies parse(String cidrs) {
    List<Cidr> ranges = new ArrayList<>();
    for (String entry : cidrs == null ? new String[0] : cidrs.split(",")) {
      if (!entry.isBlank()) {
        ranges.add(Cidr.parse(entry.trim()));
      }
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(List.copyOf(ranges));
  }

  /**
   * The client's address.
   *
   * @param peer the TCP peer's address (an IP literal), or null when unknown
   * @param forwardedFor the {@code X-Forwarded-For} header values in the order received, or empty
   */
  public String client(String peer, List<String> forwardedFor) {
    if (peer == null || !trusts(peer) || forwardedFor.isEmpty()) {
      return peer;
    }
    String client = peer;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] hops = forwardedFor.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
          return client; // garbage where an address should be: trust nothing further left
        }
        client = hop;
        if (!trusts(hop)) {
          return client;
        }
      }
    }
    return client;
  }

  /** Whether {@code address} (an IP literal) is one of the trusted proxies. */
  public boolean trusts(String address) {
    if (ranges.isEmpty()) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
    if (bytes == null) {
      return false;
    }
    for (Cidr range : ranges) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** One address range: the first {@code bits} bits of {@code network}. */
  private record Cidr(byte[] network, int bits) {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      // An IP literal only: a host name here would mean a DNS lookup, and a proxy's name proves nothing.
      byte[] network = NetUtil.createByteArrayFromIpAddressString(address);
      if (network == null) {
        throw new IllegalArgumentException("devices.trustedProxies: '" + text + "' is not an IP address or CIDR "
            + "(such as 10.0.0.0/8 or fd00::/8)");
      }
      int max = network.length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("devices.trustedProxies: '" + text + "' has a prefix length outside 0-" + max);
      }
      return new Cidr(network, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xFF << (8 - rest) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
