package io.propius.server.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** This node's part in a deployment. */
public final class NodeOptions {
  /** Comma-separated {@link NodeRole} names; all of them by default (a single-process deployment). */
  private String roles = Arrays.stream(NodeRole.values()).map(NodeRole::configName).collect(Collectors.joining(","));

  public String getRoles() {
    return roles;
  }

  public NodeOptions setRoles(String roles) {
    this.roles = roles;
    return this;
  }

  /** @throws IllegalArgumentException for an unknown role or an empty list */
  public Set<NodeRole> roleSet() {
    EnumSet<NodeRole> set = EnumSet.noneOf(NodeRole.class);
    for (String name : roles == null ? new String[0] : roles.split(",")) {
      if (!name.isBlank()) {
        set.add(NodeRole.of(name));
      }
    }
    if (set.isEmpty()) {
      throw new IllegalArgumentException("node.roles must name at least one role (jobs, scheduler, devices, "
          + "data-plane, admin)");
    }
    return set;
  }

  void validate() {
    roleSet();
  }
}
