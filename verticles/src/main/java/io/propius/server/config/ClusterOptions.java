package io.propius.server.config;

import io.propius.api.tls.TlsOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cluster mode: the nodes of one deployment join a clustered Vert.x event bus (Hazelcast, TCP-IP
 * join from {@link #members}, multicast off) and share the Redis job store. Off by default.
 */
public final class ClusterOptions {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private boolean enabled = false;
  /** The address this node binds and advertises to the other members (Hazelcast and event bus). */
  private String host = "127.0.0.1";
  /** Hazelcast member port. */
  private int port = 5701;
  /** Comma-separated {@code host:port} seed list; a node listed here may start a cluster alone. */
  private String members = "127.0.0.1:5701";
  /** Two deployments on one network with different names never merge. */
  private String name = "propius";
  /** The event bus's TCP port; 0: any free port. */
  private int eventBusPort = 0;
  /** A Hazelcast XML or YAML file that replaces the configuration built from these keys; empty: none. */
  private String hazelcastConfig = "";
  /** How long a node tries to reach a seed member before its start fails. */
  private long joinTimeoutMs = 20_000;
  /**
   * TLS of the event bus between members; unset: the global {@code tls} section. When on, it needs
   * a CA the members' certificates chain to ({@code clientCaPath} or {@code trustPath}).
   */
  private TlsOptions tls = new TlsOptions();

  public boolean isEnabled() {
    return enabled;
  }

  public ClusterOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public String getHost() {
    return host;
  }

  public ClusterOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public ClusterOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public String getMembers() {
    return members;
  }

  public ClusterOptions setMembers(String members) {
    this.members = members;
    return this;
  }

  /** The seed list as {@code host:port} entries. */
  public List<String> memberList() {
    List<String> list = new ArrayList<>();
    for (String m : members == null ? new String[0] : members.split(",")) {
      if (!m.isBlank()) {
        list.add(m.trim());
      }
    }
    return list;
  }

  public String getName() {
    return name;
  }

  public ClusterOptions setName(String name) {
    this.name = name;
    return this;
  }

  public int getEventBusPort() {
    return eventBusPort;
  }

  public ClusterOptions setEventBusPort(int eventBusPort) {
    this.eventBusPort = eventBusPort;
    return this;
  }

  public String getHazelcastConfig() {
    return hazelcastConfig;
  }

  public ClusterOptions setHazelcastConfig(String hazelcastConfig) {
    this.hazelcastConfig = hazelcastConfig;
    return this;
  }

  public long getJoinTimeoutMs() {
    return joinTimeoutMs;
  }

  public ClusterOptions setJoinTimeoutMs(long joinTimeoutMs) {
    this.joinTimeoutMs = joinTimeoutMs;
    return this;
  }

  /** Whether this node's own {@code host:port} is in the seed list (it may then start a cluster alone). */
  public boolean isSeed() {
    return memberList().contains(host + ":" + port);
  }

public TlsOptions getTls() {
    return tls;
  }

  public ClusterOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

    void validate() {
    tls.validate("cluster.tls");
    if (!enabled) {
      return;
    }
    if (host == null || host.isBlank() || host.contains(":") && !host.startsWith("[")) {
      throw new IllegalArgumentException("cluster.host must be this node's address (a host name or IP), got '"
          + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster.port must be 1..65535, got " + port);
    }
    Checks.port("cluster.eventBusPort", eventBusPort);
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("cluster.name must be 1..64 letters, digits, '.', '_' or '-', got '"
          + name + "'");
    }
    List<String> seeds = memberList();
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("cluster.members must list at least one host:port seed member");
    }
    for (String seed : seeds) {
      int colon = seed.lastIndexOf(':');
      int seedPort = -1;
      try {
        seedPort = colon > 0 ? Integer.parseInt(seed.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        // reported below
      }
      if (seedPort < 1 || seedPort > 65535) {
        throw new IllegalArgumentException("cluster.members: '" + seed + "' is not host:port");
      }
    }
    Checks.positive("cluster.joinTimeoutMs", joinTimeoutMs);
    if (hazelcastConfig != null && !hazelcastConfig.isEmpty()) {
      Path file = Path.of(hazelcastConfig);
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("cluster.hazelcastConfig: cannot read " + hazelcastConfig);
      }
      if (!hazelcastConfig.matches(".*\\.(xml|yaml|yml)$")) {
        throw new IllegalArgumentException("cluster.hazelcastConfig must be a .xml, .yaml or .yml file, got "
            + hazelcastConfig);
      }
    }
  }
}
