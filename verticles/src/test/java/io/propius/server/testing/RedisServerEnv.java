package io.propius.server.testing;

import io.propius.testing.RedisProcess;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment of a server process on a shared Redis store, set as an operator would, every port
 * on 127.0.0.1 (0: any free one). The data-plane port is always a free one: other builds on the
 * machine may hold the default. Callers add what their test is about (token keys, quotas, ticks).
 */
public final class RedisServerEnv {
  private RedisServerEnv() {
  }

  /** A mutable map, so that callers can add to it. */
  public static Map<String, String> of(RedisProcess redis, String keyPrefix, int jobsPort, int devicesPort,
      int adminPort) {
    Map<String, String> env = new HashMap<>();
    env.put("PROPIUS_STORE_TYPE", "redis");
    env.put("PROPIUS_STORE_REDIS_URI", redis.uri());
    env.put("PROPIUS_STORE_KEY_PREFIX", keyPrefix);
    env.put("PROPIUS_JOBS_HOST", "127.0.0.1");
    env.put("PROPIUS_JOBS_PORT", Integer.toString(jobsPort));
    env.put("PROPIUS_DEVICES_HOST", "127.0.0.1");
    env.put("PROPIUS_DEVICES_PORT", Integer.toString(devicesPort));
    env.put("PROPIUS_ADMIN_HOST", "127.0.0.1");
    env.put("PROPIUS_ADMIN_PORT", Integer.toString(adminPort));
    env.put("PROPIUS_DATA_PLANE_HOST", "127.0.0.1");
    env.put("PROPIUS_DATA_PLANE_PORT", "0");
    return env;
  }
}
