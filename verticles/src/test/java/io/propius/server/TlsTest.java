package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.api.token.KeyRing;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.ControlPlaneJobAccess;
import io.propius.edge.access.JobAccess;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions;
import io.propius.server.testing.TestCa;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every port of the all-in-one server, with a CA made in the test: each port answers
 * HTTPS (gRPC over HTTP/2 with ALPN and WebSocket on the job port) to a client that trusts the
 * CA, and refuses plaintext and clients that do not; with a client CA, a client certificate from
 * another CA is refused; a renewed certificate is served without a restart; a port's own section
 * replaces the global one; an edge leaf and a standalone root reach the server over verified TLS.
 */
class TlsTest {
  private static final byte[] SECRET = "a token secret of at least 32 bytes".getBytes();
  /** The server's signer: the same key as security.tokenSecret. */
  private static final TokenSigner SIGNER = new TokenSigner(KeyRing.single(SecurityOptions.SECRET_KID, SECRET));
  @TempDir
  Path dir;
  private TestCa ca;
  private TestServer server;
  private Vertx clients;
  /**
   * Every client a test makes, held until the test ends: Vert.x 5 closes a client that the garbage
   * collector finds unreferenced, in-flight requests and all ({@code CleanableHttpClient}).
   */
  private final List<WebClient> held = new ArrayList<>();

  @BeforeEach
  void setUp() {
    ca = TestCa.create(dir, "propius");
    clients = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    held.forEach(WebClient::close);
    await(clients.close());
  }

  private TestServer start(TlsOptions tls) {
    PropiusOptions options = TestServer.testOptions();
    options.security().setTokenSecret(Base64.getEncoder().encodeToString(SECRET));
    options.tls().setCertPath(tls.getCertPath()).setKeyPath(tls.getKeyPath()).setClientCaPath(tls.getClientCaPath())
        .setReloadCheckMs(tls.getReloadCheckMs());
    server = TestServer.start(options);
    return server;
  }

  private TlsOptions trusting(TestCa authority) {
    return new TlsOptions().setTrustPath(authority.caFile().toString());
  }

  private WebClient https(TlsOptions tls) {
    return held(WebClient.create(clients, Tls.client(new WebClientOptions().setSsl(true), tls)));
  }

  private WebClient plaintext() {
    return held(WebClient.create(clients));
  }

  private WebClient held(WebClient client) {
    held.add(client);
    return client;
  }

  private Future<HttpResponse<Buffer>> get(WebClient client, int port, String path) {
    return client.get(port, "127.0.0.1", path).send();
  }

  @Test
  void everyPortServesTlsAndRefusesPlaintextAndUntrustingClients() throws Exception {
    start(ca.issue("server"));
    WebClient trusted = https(trusting(ca));
    assertThat(await(get(trusted, server.devicesPort(), "/v1/healthz")).statusCode()).isEqualTo(200);
    assertThat(await(get(trusted, server.server.adminPort(), "/healthz")).statusCode()).isEqualTo(200);
    assertThat(await(get(trusted, server.server.dataPlanePort(), "/v1/healthz")).statusCode()).isEqualTo(200);
    // The job port: gRPC needs HTTP/2, which over TLS is chosen by ALPN; and the WebSocket.
    GrpcClient grpc = GrpcClient.client(clients, Tls.client(new HttpClientOptions().setSsl(true)
        .setProtocolVersion(HttpVersion.HTTP_2), trusting(ca)));
    long job = await(JobManagerGrpcClient.create(grpc, SocketAddress.inetSocketAddress(server.server.jobsPort(),
        "127.0.0.1")).registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build())).getJobId();
    assertThat(job).isPositive();
    WebSocketConnectOptions ws = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server.jobsPort()).setURI("/v1/jobs/ws");
    WebSocketClient webSockets = clients.createWebSocketClient(Tls.client(new WebSocketClientOptions().setSsl(true),
        trusting(ca)));
    await(await(webSockets.connect(ws)).close());
    await(webSockets.close());
    String scrape = await(get(trusted, server.server.adminPort(), "/metrics")).bodyAsString();
    double notAfter = readCertificate(Path.of(server.options.devices().getTls().getCertPath())).getNotAfter().getTime()
        / 1000.0;
    Matcher gauge = Pattern
        .compile("propius_tls_certificate_expiry_timestamp_seconds\\{port=\"devices\"} (\\S+)").matcher(scrape);
    assertThat(gauge.find()).as(scrape).isTrue();
    assertThat(Double.parseDouble(gauge.group(1))).isEqualTo(notAfter);
    // The devices' data-plane URL follows the root's scheme.
    assertThat(server.options.devices().getDataPlaneUrl()).startsWith("https://");

    WebClient plaintext = plaintext();
    WebClient jdkTrust = https(new TlsOptions());
    for (int port : new int[] {server.devicesPort(), server.server.adminPort(), server.server.dataPlanePort(),
        server.server.jobsPort()}) {
      assertThat(failure(get(plaintext, port, "/v1/healthz"))).as("plaintext on port " + port).isNotNull();
      assertThat(failure(get(jdkTrust, port, "/v1/healthz"))).as("no trust on port " + port)
          .hasStackTraceContaining("certification path");
    }
  }

  @Test
  void mutualTlsRefusesClientCertificatesFromAnotherCaAndClientsWithout() {
    start(ca.issue("server").setClientCaPath(ca.caFile().toString()));
    TlsOptions good = ca.issue("device").setTrustPath(ca.caFile().toString());
    TlsOptions foreign = TestCa.create(dir, "other").issue("intruder").setTrustPath(ca.caFile().toString());

    assertThat(await(get(https(good), server.devicesPort(), "/v1/healthz")).statusCode()).isEqualTo(200);
    for (int port : new int[] {server.devicesPort(), server.server.dataPlanePort(), server.server.jobsPort()}) {
      assertThat(failure(get(https(foreign), port, "/v1/healthz"))).as("foreign certificate on " + port).isNotNull();
      assertThat(failure(get(https(trusting(ca)), port, "/v1/healthz"))).as("no certificate on " + port).isNotNull();
    }
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    TlsOptions files = ca.issue("server").setReloadCheckMs(100);
    start(files);
    int[] ports = {server.devicesPort(), server.server.adminPort(), server.server.dataPlanePort(),
        server.server.jobsPort()};
    BigInteger before = servedSerial(ports[0]);
    assertThat(before).isEqualTo(serialIn(Path.of(files.getCertPath())));

    ca.issue("server"); // same paths, new key and certificate, as a renewal tool leaves them
    BigInteger renewed = serialIn(Path.of(files.getCertPath()));
    assertThat(renewed).isNotEqualTo(before);
    for (int port : ports) {
      eventually(Duration.ofSeconds(10), () -> renewed.equals(servedSerial(port)), "the renewed certificate on " + port);
    }
    assertThat(await(get(https(trusting(ca)), ports[0], "/v1/healthz")).statusCode()).isEqualTo(200);
  }

  @Test
  void anOperatorReloadsTheCertificateAndABadOneIsRefusedWithTheOldKept() throws Exception {
    TlsOptions files = ca.issue("server").setReloadCheckMs(0); // no file watch: only the admin call reloads
    start(files);
    int[] ports = {server.devicesPort(), server.server.adminPort(), server.server.dataPlanePort(),
        server.server.jobsPort()};
    BigInteger before = servedSerial(ports[0]);
    Path cert = Path.of(files.getCertPath());
    String good = Files.readString(cert);

    Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
    HttpResponse<Buffer> refused = await(reloadTls());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .startsWith("certificate not reloaded, the one in service stays: port ")
        .contains(files.getCertPath() + " is not a PEM certificate");
    Files.writeString(cert, good);
    for (int port : ports) {
      assertThat(servedSerial(port)).as("still the old certificate on " + port).isEqualTo(before);
    }

    ca.issue("server"); // a renewal: same paths, new key and certificate
    BigInteger renewed = serialIn(cert);
    HttpResponse<Buffer> reloaded = await(reloadTls());
    assertThat(reloaded.statusCode()).as(reloaded.bodyAsString()).isEqualTo(200);
    assertThat(reloaded.bodyAsJsonObject().getJsonArray("reloaded")).hasSizeGreaterThanOrEqualTo(ports.length);
    for (int port : ports) {
      assertThat(servedSerial(port)).as("the renewed certificate on " + port).isEqualTo(renewed);
    }
  }

  private Future<HttpResponse<Buffer>> reloadTls() {
    return https(trusting(ca)).post(server.server.adminPort(), "127.0.0.1", "/v1/admin/tls/reload").send();
  }

  @Test
  void aPortsOwnSectionReplacesTheGlobalOne() throws Exception {
    TlsOptions global = ca.issue("server");
    TlsOptions admin = ca.issue("admin");
    PropiusOptions options = TestServer.testOptions();
    options.tls().setCertPath(global.getCertPath()).setKeyPath(global.getKeyPath());
    options.admin().getTls().setCertPath(admin.getCertPath()).setKeyPath(admin.getKeyPath());
    server = TestServer.start(options);
    assertThat(servedSerial(server.server.adminPort())).isEqualTo(serialIn(Path.of(admin.getCertPath())));
    assertThat(servedSerial(server.devicesPort())).isEqualTo(serialIn(Path.of(global.getCertPath())));
  }

  @Test
  void aLeafVerifiesItsParentAndAStandaloneRootItsControlPlane() {
    start(ca.issue("server"));
    TlsOptions nodeTls = ca.issue("leaf").setTrustPath(ca.caFile().toString());
    long job = 7;
    JsonObject spec = new JsonObject().put("reducer", "sum").put("tensor_length", 2).put("target", 1);
    assertThat(await(https(trusting(ca)).put(server.server.dataPlanePort(), "127.0.0.1", "/v1/rounds/" + job + "/1")
        .sendJsonObject(spec)).statusCode()).isEqualTo(201);
    String token = new TaskToken(job, 1, "phone-1", "leaf", System.currentTimeMillis() + 60_000).encode(SIGNER);

    int trustingLeaf = deployLeaf(ca.caFile().toString());
    HttpResponse<Buffer> fromParent = await(plaintext().get(trustingLeaf, "127.0.0.1", "/v1/rounds/" + job
        + "/1").putHeader("Authorization", "Bearer " + token).send());
    assertThat(fromParent.statusCode()).isEqualTo(200);
    assertThat(fromParent.bodyAsJsonObject().getString("reducer")).isEqualTo("sum");

    int blindLeaf = deployLeaf(""); // trusts only the JDK's CAs, so the parent does not verify
    HttpResponse<Buffer> refused = await(plaintext().get(blindLeaf, "127.0.0.1", "/v1/rounds/" + job
        + "/1").putHeader("Authorization", "Bearer " + token).send());
    assertThat(refused.statusCode()).isEqualTo(503);

    // A standalone root asks the server's job API over TLS whether a job call is allowed.
    EdgeNodeVerticle root = new EdgeNodeVerticle(new DataPlaneOptions().setHost("127.0.0.1").setPort(0),
        new EdgeCredentials(SIGNER.audienceKeys("root"), null), new ControlPlaneJobAccess(clients, "127.0.0.1", server.server.jobsPort(), nodeTls,
        5000, 1000), new SimpleMeterRegistry(), null);
    await(clients.deployVerticle(root));
    assertThat(await(plaintext().put(root.actualPort(), "127.0.0.1", "/v1/rounds/" + (job + 1000) + "/1")
        .sendJsonObject(spec)).bodyAsJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo("no job " + (job + 1000));
  }

  /** A leaf below the server's root, verifying it against {@code trustPath} (its own port plaintext). */
  private int deployLeaf(String trustPath) {
    DataPlaneOptions leaf = new DataPlaneOptions().setRole("leaf").setHost("127.0.0.1").setPort(0)
        .setParentUrl("https://127.0.0.1:" + server.server.dataPlanePort()).setUpstreamTimeoutMs(5000)
        .setTls(new TlsOptions().setTrustPath(trustPath));
    String credential = new NodeCredential("leaf-1", "root", System.currentTimeMillis() + 60_000).encode(SIGNER);
    EdgeNodeVerticle node = new EdgeNodeVerticle(leaf, new EdgeCredentials(SIGNER.audienceKeys("leaf"), () -> credential),
        JobAccess.open(),
        new SimpleMeterRegistry(), null);
    await(clients.deployVerticle(node));
    return node.actualPort();
  }

  /** The serial number of the certificate a fresh TLS handshake on {@code port} gets. */
  private BigInteger servedSerial(int port) {
    return ca.servedCertificate(port).getSerialNumber();
  }

  private static BigInteger serialIn(Path pem) throws Exception {
    return readCertificate(pem).getSerialNumber();
  }

  private static X509Certificate readCertificate(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
