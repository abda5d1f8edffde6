package io.propius.server.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.api.tls.TlsOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * All of the server's configuration, in one typed tree. Sources, later ones winning: the
 * defaults here, a JSON file, then environment variables named {@code PROPIUS_} + the key path in
 * upper snake case ({@code devices.maxOffers} → {@code PROPIUS_DEVICES_MAX_OFFERS}).
 */
public final class PropiusOptions {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JobsOptions jobs = new JobsOptions();
  private AdmissionOptions admission = new AdmissionOptions();
  private SchedulerOptions scheduler = new SchedulerOptions();
  private DevicesOptions devices = new DevicesOptions();
  private AdminOptions admin = new AdminOptions();
  private StoreOptions store = new StoreOptions();
  private SecurityOptions security = new SecurityOptions();
  private DataPlaneOptions dataPlane = new DataPlaneOptions();
  private ClusterOptions cluster = new ClusterOptions();
  private NodeOptions node = new NodeOptions();
  private TlsOptions tls = new TlsOptions();

  public JobsOptions jobs() {
    return jobs;
  }

  public AdmissionOptions admission() {
    return admission;
  }

  public SchedulerOptions scheduler() {
    return scheduler;
  }

  public DevicesOptions devices() {
    return devices;
  }

  public AdminOptions admin() {
    return admin;
  }

  public StoreOptions store() {
    return store;
  }

  public SecurityOptions security() {
    return security;
  }

  /** The root edge node the server runs (see README "Data plane"). */
  public DataPlaneOptions dataPlane() {
    return dataPlane;
  }

  /** Cluster mode (see docs/CLUSTER.md). */
  public ClusterOptions cluster() {
    return cluster;
  }

  /** The roles this node runs. */
  public NodeOptions node() {
    return node;
  }

  /**
   * TLS of every port that has no {@code tls} section of its own (jobs, devices, admin, dataPlane);
   * nothing set: plaintext (see docs/TLS.md).
   */
  public TlsOptions tls() {
    return tls;
  }

  /** @throws IllegalArgumentException naming the first bad setting */
  public PropiusOptions validate() {
    jobs.validate();
    admission.validate();
    scheduler.validate();
    devices.validate();
    admin.validate();
    store.validate();
    security.validate();
    dataPlane.validate();
    cluster.validate();
    node.validate();
    validateCluster();
    tls.validate("tls");
    if (dataPlane.role() != EdgeRole.ROOT) {
      throw new IllegalArgumentException("dataPlane.role must be root in the server; run parent and leaf nodes with "
          + "io.propius.edge.EdgeMain");
    }
    return this;
  }

  /** Cluster mode shares jobs through Redis and tokens through one secret; roles only make sense in a cluster. */
  private void validateCluster() {
    if (!cluster.isEnabled()) {
      if (node.roleSet().size() < NodeRole.values().length) {
        throw new IllegalArgumentException("node.roles '" + node.getRoles() + "' needs cluster.enabled: a single "
            + "process runs every role");
      }
      return;
    }
    if (!store.isRedis()) {
      throw new IllegalArgumentException("cluster.enabled needs the Redis job store (store.type=redis): the nodes "
          + "share jobs through it");
    }
    if (security.secretBytes() == null && security.getKeysFile().isEmpty()) {
      throw new IllegalArgumentException("cluster.enabled needs security.tokenSecret or security.keysFile: every node "
          + "must verify the offers and task tokens the others sign");
    }
  }

  public JsonObject toJson() {
    try {
      return new JsonObject(MAPPER.writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Options from JSON over the defaults.
   *
   * @throws IllegalArgumentException for an unknown key or a wrongly typed value
   */
  public static PropiusOptions fromJson(JsonObject json) {
    try {
      return MAPPER.readValue(json.encode(), PropiusOptions.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("unknown configuration key '" + path(e) + "'");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getOriginalMessage());
    }
  }

  private static String path(UnrecognizedPropertyException e) {
    StringBuilder sb = new StringBuilder();
    e.getPath().forEach(ref -> sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName()));
    return sb.toString();
  }

  /**
   * Defaults, then the file (if not null), then environment variables; validated.
   *
   * @throws IllegalArgumentException with one line saying what is wrong
   */
  public static PropiusOptions load(Path file, Map<String, String> env) {
    JsonObject merged = new PropiusOptions().toJson();
    if (file != null) {
      try {
        merged.mergeIn(new JsonObject(Files.readString(file)), true);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage());
      } catch (io.vertx.core.json.DecodeException e) {
        throw new IllegalArgumentException("configuration file " + file + " is not valid JSON: " + e.getMessage());
      }
    }
    applyEnv(merged, "PROPIUS", env);
    return fromJson(merged).validate();
  }

  /** A variable naming a whole object (a map such as policyOptions) takes JSON; leaves take text. */
  private static void applyEnv(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : node.fieldNames()) {
      String name = prefix + "_" + upperSnake(key);
      Object current = node.getValue(key);
      String raw = env.get(name);
      if (raw != null) {
        try {
          node.put(key, parse(raw, current));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("environment variable " + name + " is not valid for this setting"
              + (current instanceof JsonObject ? " (expected a JSON object)" : ""));
        }
      } else if (current instanceof JsonObject child) {
        applyEnv(child, name, env);
      }
    }
  }

  private static Object parse(String raw, Object like) {
    if (like instanceof Integer || like instanceof Long) {
      return Long.parseLong(raw.trim());
    }
    if (like instanceof Double) {
      return Double.parseDouble(raw.trim());
    }
    if (like instanceof Boolean) {
      return Boolean.parseBoolean(raw.trim());
    }
    if (like instanceof JsonObject) {
      return new JsonObject(raw);
    }
    return raw;
  }

  static String upperSnake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }
}
