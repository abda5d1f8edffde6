package io.propius.server.security;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.token.KeyRing;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions.AdminKey;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token keys on a running server: rotation through the keys file and the admin reload, and what a
 * compromised edge node can do with the keys file the control plane gave it (nothing elsewhere).
 */
class TokenKeysTest {
  private static final String WRITE_KEY = "operator-write-key-0001";
  private static final byte[] K1 = key(1);
  private static final byte[] K2 = key(2);

  @TempDir
  Path dir;
  private TestServer server;
  private Path keysFile;

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return k;
  }

  private TestServer start() throws IOException {
    keysFile = dir.resolve("keys.json");
    write(new KeyRing(Map.of("k1", K1), "k1", Set.of()));
    PropiusOptions options = TestServer.testOptions();
    options.security().setKeysFile(keysFile.toString())
        .setAdminKeys(Map.of("ops", new AdminKey(WRITE_KEY, true)));
    server = TestServer.start(options);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void write(KeyRing ring) throws IOException {
    Files.writeString(keysFile, ring.toJson().encode());
  }

  private HttpResponse<Buffer> admin(HttpMethod method, String path, JsonObject body) {
    var req = server.http.request(method, server.server.adminPort(), "127.0.0.1", path)
        .bearerTokenAuthentication(WRITE_KEY);
    return await(body == null ? req.send() : req.sendJsonObject(body));
  }

  /** A bound device's task token for a fresh one-device round of a new job; the round is published at the root. */
  private String boundTaskToken(String device) {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName("t").setTotalRounds(1)
        .setEstDemand(1).build())).getJobId();
    int round = await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1)
        .build())).getRound();
    await(server.http.put(server.server.dataPlanePort(), "127.0.0.1", "/v1/rounds/" + jobId + "/" + round)
        .sendJsonObject(new JsonObject().put("reducer", "sum").put("tensor_length", 1).put("target", 5)));
    Devices devices = new Devices(server);
    JsonObject offer = devices.awaitOffer(device, new JsonObject(), jobId);
    return await(devices.accept(device, offer.getString("offer"))).bodyAsJsonObject().getString("task_token");
  }

  /** GET the token's round at the root as a device would. */
  private HttpResponse<Buffer> useAtRoot(String token) {
    JsonObject claims = claims(token);
    return await(server.http.get(server.server.dataPlanePort(), "127.0.0.1", "/v1/rounds/" + claims.getLong("job")
        + "/" + claims.getInteger("round")).bearerTokenAuthentication(token).send());
  }

  private static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1])));
  }

  private static String kid(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]))).getString("kid");
  }

  private static String errorMessage(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  @Test
  void keysRotateByReloadAndARetiredKeyIsRefusedWithItsReason() throws IOException {
    start();
    assertThat(admin(HttpMethod.GET, "/v1/admin/keys", null).bodyAsJsonObject().getString("signing")).isEqualTo("k1");
    String before = boundTaskToken("d1");
    assertThat(kid(before)).isEqualTo("k1");
    assertThat(claims(before).getString("aud")).isEqualTo("root");

    // Add k2 and sign with it: tokens of both keys work.
    write(new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of()));
    HttpResponse<Buffer> reloaded = admin(HttpMethod.POST, "/v1/admin/keys/reload", null);
    assertThat(reloaded.statusCode()).isEqualTo(200);
    assertThat(reloaded.bodyAsJsonObject().getString("signing")).isEqualTo("k2");
    String after = boundTaskToken("d2");
    assertThat(kid(after)).isEqualTo("k2");
    assertThat(useAtRoot(before).statusCode()).isEqualTo(200);
    assertThat(useAtRoot(after).statusCode()).isEqualTo(200);
    assertThat(await(new Devices(server).confirm(before)).statusCode()).isEqualTo(200);

    // A bad file changes nothing.
    Files.writeString(keysFile, "{\"keys\":{\"k3\":\"c2hvcnQ=\"},\"signing\":\"k3\"}");
    HttpResponse<Buffer> bad = admin(HttpMethod.POST, "/v1/admin/keys/reload", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(errorMessage(bad)).contains("the keys in use stay").contains("key 'k3' must have at least 32 bytes");
    assertThat(useAtRoot(before).statusCode()).isEqualTo(200);

    // Retire k1: its tokens get 401 naming the reason, k2's still work.
    write(new KeyRing(Map.of("k2", K2), "k2", Set.of("k1")));
    assertThat(admin(HttpMethod.POST, "/v1/admin/keys/reload", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> retired = useAtRoot(before);
    assertThat(retired.statusCode()).isEqualTo(401);
    assertThat(errorMessage(retired)).isEqualTo("task token was signed with key 'k1', which is retired; get a new one");
    assertThat(await(new Devices(server).confirm(before)).statusCode()).isEqualTo(401);
    assertThat(useAtRoot(after).statusCode()).isEqualTo(200);
    // Each refusal counted once, by reason: the confirm at the control plane, the plan fetch at the root.
    assertThat(rejected("propius.tokens.rejected", "retired_key")).isEqualTo(1);
    assertThat(rejected("propius.edge.tokens.rejected", "retired_key")).isEqualTo(1);
  }

  private double rejected(String meter, String reason) {
    return server.registry.get(meter).tag("reason", reason).counter().count();
  }

  /**
   * An edge node's keys file (from the admin API) in an attacker's hands: the offers, task tokens
   * and node credentials it can make are refused by the control plane and the root.
   */
  @Test
  void aLeafsKeysFileCannotMintTokensTheControlPlaneOrTheRootAccept() throws IOException {
    start();
    String validAtRoot = boundTaskToken("d1");
    HttpResponse<Buffer> issued = admin(HttpMethod.POST, "/v1/admin/keys/node", new JsonObject()
        .put("audience", "leaf-a").put("node", "leaf-a1").put("parent_audience", "root"));
    assertThat(issued.statusCode()).isEqualTo(200);
    JsonObject leafFile = issued.bodyAsJsonObject();
    assertThat(leafFile.getString("signing")).isNull();
    assertThat(leafFile.encode()).doesNotContain(Base64.getEncoder().encodeToString(K1));
    // The attacker uses the leaf's key as if it were a master key.
    TokenSigner rogue = new TokenSigner(KeyRing.fromJson(leafFile.copy().put("signing", "k1")));
    long far = System.currentTimeMillis() + 600_000;
    JsonObject job = claims(validAtRoot);

    HttpResponse<Buffer> offer = await(new Devices(server).accept("d9",
        new OfferToken("d9", job.getLong("job"), job.getInteger("round"), far).encode(rogue)));
    assertThat(offer.statusCode()).isEqualTo(403);
    assertThat(errorMessage(offer)).contains("invalid signature");

    HttpResponse<Buffer> task = useAtRoot(new TaskToken(job.getLong("job"), job.getInteger("round"), "d9", "root", far)
        .encode(rogue));
    assertThat(task.statusCode()).isEqualTo(401);
    assertThat(errorMessage(task)).isEqualTo("task token has an invalid signature");

    String rogueNode = new NodeCredential("leaf-b1", "root", far).encode(rogue);
    HttpResponse<Buffer> push = await(server.http.put(server.server.dataPlanePort(), "127.0.0.1", "/v1/partials/"
            + job.getLong("job") + "/" + job.getInteger("round")).bearerTokenAuthentication(rogueNode)
        .putHeader("Propius-Node", "leaf-b1").putHeader("Propius-Version", "1").putHeader("Propius-Contributors", "1")
        .putHeader("Propius-Weight", "1").sendBuffer(Buffer.buffer(new byte[16])));
    assertThat(push.statusCode()).isEqualTo(401);
    assertThat(errorMessage(push)).isEqualTo("node credential has an invalid signature");

    // Its real credential is good at the root, for its own name only.
    HttpResponse<Buffer> asSibling = await(server.http.put(server.server.dataPlanePort(), "127.0.0.1", "/v1/partials/"
            + job.getLong("job") + "/" + job.getInteger("round")).bearerTokenAuthentication(leafFile.getString("credential"))
        .putHeader("Propius-Node", "leaf-b1").putHeader("Propius-Version", "1").putHeader("Propius-Contributors", "1")
        .putHeader("Propius-Weight", "1").sendBuffer(Buffer.buffer(new byte[16])));
    assertThat(asSibling.statusCode()).isEqualTo(403);
    assertThat(errorMessage(asSibling)).isEqualTo("node credential is for node 'leaf-a1', not 'leaf-b1'");
    assertThat(rejected("propius.tokens.rejected", "signature")).isEqualTo(1); // the offer
    assertThat(rejected("propius.edge.tokens.rejected", "signature")).isEqualTo(2); // the task token and the credential
  }
}
