package io.propius.bench.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propius.api.token.AudienceKeys;
import io.propius.api.token.KeyRing;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.plan.Plan;
import io.propius.edge.plan.PlanCache;
import io.propius.edge.ratelimit.TokenBuckets;
import io.propius.edge.round.RoundKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * CPU per operation of what the security features add to the hot paths: task-token signing and
 * verification (JWS against the format it replaced, and the asymmetric alternatives), the check-in
 * rate-limit buckets, and the plan cache; with the leaf's measured CPU per upload, the ratio of an
 * upload's CPU with the JWS check to the same upload with the old HMAC check.
 */
@Command(name = "security-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "CPU per operation (thread CPU time) of token, rate-limit and plan-cache work; median and spread.")
public final class SecurityBench implements Callable<Integer> {
  @Option(names = "--ops", paramLabel = "N", description = "operations per measured pass (default ${DEFAULT-VALUE})")
  int ops = 1_000_000;
  @Option(names = "--repeats", paramLabel = "N", description = "measured passes per operation (default ${DEFAULT-VALUE})")
  int repeats = 5;
  @Option(names = "--devices", paramLabel = "N", description = "distinct device ids (default ${DEFAULT-VALUE})")
  int devices = 200_000;
  @Option(names = "--leaf-upload-cpu-us", paramLabel = "US",
      description = "the journaled leaf's CPU per upload (µs), as dataplane-bench measures it: prints the JWS/old ratio")
  Double leafUploadCpuUs;

  /** Keeps results alive so the JIT cannot drop the measured work. */
  private long sink;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SecurityBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    byte[] master = new byte[32];
    new Random(1).nextBytes(master);
    TokenSigner signer = new TokenSigner(KeyRing.single("k1", master));
    AudienceKeys leaf = signer.audienceKeys("leaf");
    LegacyHmacToken legacy = new LegacyHmacToken(master);
    long expiry = System.currentTimeMillis() + 3_600_000;
    int distinct = Math.min(ops, devices);
    String[] jws = new String[distinct];
    String[] old = new String[distinct];
    for (int i = 0; i < distinct; i++) {
      jws[i] = new TaskToken(42, 7, "device-" + i, "leaf", expiry).encode(signer);
      old[i] = legacy.sign(42, 7, "device-" + i, expiry);
    }
    long now = System.currentTimeMillis();
    List<CpuPerOperation> rows = new ArrayList<>();
    rows.add(CpuPerOperation.measure("task token sign (JWS HS256)", ops, repeats,
        i -> sink += new TaskToken(42, 7, "device-" + (i % devices), "leaf", expiry).encode(signer).length()));
    CpuPerOperation verifyJws = CpuPerOperation.measure("task token verify (JWS HS256, at a leaf)", ops, repeats,
        i -> sink += TaskToken.verify(leaf, jws[i % distinct], now).round());
    rows.add(verifyJws);
    CpuPerOperation verifyOld = CpuPerOperation.measure("task token verify (the old kind.payload.mac of 97475b9)", ops,
        repeats, i -> sink += legacy.verify(old[i % distinct], now));
    rows.add(verifyOld);
    int asymmetric = Math.max(100, ops / 500);
    rows.add(signatureVerify("Ed25519 verify of the same token bytes", "Ed25519", null, "Ed25519", jws[0], asymmetric));
    rows.add(signatureVerify("ES256 verify (P-256) of the same token bytes", "EC", new ECGenParameterSpec("secp256r1"),
        "SHA256withECDSAinP1363Format", jws[0], asymmetric));
    rows.add(checkinBuckets());
    rows.add(planCacheHit());

    System.out.println("| operation | CPU ns, median | spread (min–max) | operations × passes |");
    System.out.println("|---|---|---|---|");
    rows.forEach(r -> System.out.println(r.row()));
    planCacheFetches();
    if (leafUploadCpuUs != null) {
      double extraUs = (verifyJws.median() - verifyOld.median()) / 1000;
      System.out.printf(Locale.ROOT, "%nleaf CPU per upload: %.1f µs with the JWS check (measured), %.1f µs with the old "
              + "HMAC check (the same less %.2f µs, the verification difference above)%n", leafUploadCpuUs,
          leafUploadCpuUs - extraUs, extraUs);
      System.out.printf(Locale.ROOT, "ratio JWS/old HMAC, leaf CPU per upload: %.3fx (target <= 1.05x); JWS verification "
          + "is %.1f %% of the upload (budget 5 %%)%n", leafUploadCpuUs / (leafUploadCpuUs - extraUs),
          verifyJws.median() / 1000 / leafUploadCpuUs * 100);
    }
    if (sink == 42) {
      System.out.println();
    }
    return 0;
  }

  private CpuPerOperation signatureVerify(String name, String algorithm, ECGenParameterSpec curve, String scheme,
      String token, int count) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      generator.initialize(curve);
    }
    KeyPair pair = generator.generateKeyPair();
    byte[] input = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    Signature signing = Signature.getInstance(scheme);
    signing.initSign(pair.getPrivate());
    signing.update(input);
    byte[] signature = signing.sign();
    Signature verifying = Signature.getInstance(scheme);
    return CpuPerOperation.measure(name, count, repeats, i -> {
      try {
        verifying.initVerify(pair.getPublic());
        verifying.update(input);
        sink += verifying.verify(signature) ? 1 : 0;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** What a check-in pays with both limits on: a take from its device's bucket and from its address's. */
  private CpuPerOperation checkinBuckets() {
    TokenBuckets perDevice = new TokenBuckets(1_000, 1_000, 1_000_000);
    TokenBuckets perAddress = new TokenBuckets(1e9, 1_000_000_000, 1_000_000);
    String[] ids = new String[devices];
    String[] addresses = new String[devices];
    for (int i = 0; i < devices; i++) {
      ids[i] = "device-" + i;
      addresses[i] = "10.0." + (i % 5000 / 250) + "." + (i % 250);
    }
    return CpuPerOperation.measure("check-in rate limit: device id and address buckets, " + devices + " devices", ops,
        repeats, i -> {
          long now = System.nanoTime();
          sink += perDevice.take(ids[i % devices], now) + perAddress.take(addresses[i % devices], now);
        });
  }

  private CpuPerOperation planCacheHit() {
    PlanCache cache = new PlanCache(200_000, 300_000, new EdgeMetrics(new SimpleMeterRegistry(), "leaf"), p -> { });
    RoundKey[] keys = {new RoundKey(42, 6), new RoundKey(42, 7)};
    for (RoundKey k : keys) {
      cache.put(k, new Plan(Path.of("/dev/null"), 100_000, "e" + k.round()), 0);
    }
    return CpuPerOperation.measure("plan cache lookup (hit)", ops, repeats,
        i -> sink += cache.get(keys[i & 1], 1).size());
  }

  /**
   * Upstream fetches for plans wanted in round order (room for two 100 KB plans; 200 rounds of
   * 200 requests, one in ten for the previous round): the strict LRU of PlanCache against Caffeine's
   * W-TinyLFU, which refuses each new round's plan until its frequency catches up.
   */
  private static void planCacheFetches() {
    PlanCache lru = new PlanCache(200_000, Long.MAX_VALUE / 2, new EdgeMetrics(new SimpleMeterRegistry(), "leaf"),
        p -> { });
    Cache<RoundKey, Plan> caffeine = Caffeine.newBuilder().maximumWeight(200_000)
        .weigher((RoundKey k, Plan p) -> (int) p.size()).executor(Runnable::run).build();
    int lruFetches = fetches(key -> {
      if (lru.get(key, 0) != null) {
        return false;
      }
      lru.put(key, new Plan(Path.of("/dev/null"), 100_000, key.toString()), 0);
      return true;
    });
    int caffeineFetches = fetches(key -> {
      if (caffeine.getIfPresent(key) != null) {
        return false;
      }
      caffeine.put(key, new Plan(Path.of("/dev/null"), 100_000, key.toString()));
      return true;
    });
    System.out.printf(Locale.ROOT, "%nplan cache, 200 rounds x 200 requests (1 in 10 for the previous round), room for "
        + "two 100 KB plans: %d upstream fetches with PlanCache, %d with Caffeine%n", lruFetches, caffeineFetches);
  }

  private static int fetches(Predicate<RoundKey> fetchedOnMiss) {
    int fetches = 0;
    for (int round = 1; round <= 200; round++) {
      for (int request = 0; request < 200; request++) {
        RoundKey key = new RoundKey(42, request % 10 == 9 && round > 1 ? round - 1 : round);
        fetches += fetchedOnMiss.test(key) ? 1 : 0;
      }
    }
    return fetches;
  }
}
