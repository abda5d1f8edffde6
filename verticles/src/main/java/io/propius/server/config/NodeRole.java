package io.propius.server.config;

import java.util.Locale;

/** What a node runs; any subset per node ({@code node.roles}), all of them by default. */
public enum NodeRole {
  /** The job API: gRPC and WebSocket, with the watchers of this node. */
  JOBS,
  /** A scheduler; in a cluster only the one holding the lease decides. */
  SCHEDULER,
  /** Client managers: the device API. */
  DEVICES,
  /** The data plane's root edge node; one per deployment. */
  DATA_PLANE,
  /** {@code /metrics}, health probes and the admin API. */
  ADMIN;

  /** The name in {@code node.roles}: {@code data-plane} for {@link #DATA_PLANE}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @throws IllegalArgumentException for a name that is no role */
  public static NodeRole of(String configName) {
    for (NodeRole r : values()) {
      if (r.configName().equals(configName.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("node.roles: unknown role '" + configName.trim() + "' (roles: jobs, "
        + "scheduler, devices, data-plane, admin)");
  }
}
