package io.propius.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A check-in, accept or confirm with its length given is answered before the router; chunked ones,
 * ones that expect {@code 100 Continue} and ones over the body limit go through the router. Raw
 * HTTP/1.1 on a real socket shows both give the same bytes for the same request.
 */
class CheckinRequestFormsTest {
  private static final String GOOD = "{\"device_id\":\"d-1\",\"attributes\":{\"cpu_cores\":4}}";
  private static final String BAD = "{\"device_id\":17}";
  private static final String CHECKIN = "/v1/checkin";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    server.openJob(5, null, 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void errorsAreTheSameBytesWhicheverWayTheBodyCame() throws IOException {
    String direct = exchange(withLength(CHECKIN, BAD));
    assertThat(direct).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("must be a string, got a number");
    assertThat(exchange(chunked(CHECKIN, BAD))).isEqualTo(direct);
    assertThat(exchange(withLength(CHECKIN, ""))).contains("request body is empty")
        .isEqualTo(exchange("POST /v1/checkin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  }

  @Test
  void checkinsAreAnsweredAlikeWhicheverWayTheBodyCame() throws IOException {
    for (String response : new String[] {exchange(withLength(CHECKIN, GOOD)), exchange(chunked(CHECKIN, GOOD)),
        exchange(withLength(CHECKIN, GOOD).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n"))}) {
      String answer = response.replaceFirst("^HTTP/1.1 100 Continue\r\n\r\n", "");
      assertThat(answer).startsWith("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ");
      JsonObject body = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertThat(body.getString("device_id")).isEqualTo("d-1");
      assertThat(body.getJsonArray("offers")).hasSize(1);
    }
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws IOException {
    long limit = server.options.devices().getMaxBodyBytes();
    String response = exchange("POST /v1/checkin HTTP/1.1\r\nHost: x\r\nContent-Length: " + (limit + 1) + "\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 413 ").contains("PAYLOAD_TOO_LARGE");
  }

  @Test
  void acceptsAndConfirmsAreAnsweredAlikeWhicheverWayTheBodyCame() throws IOException {
    for (boolean chunked : new boolean[] {false, true}) {
      String device = chunked ? "d-chunked" : "d-length";
      String offers = body(exchange(withLength(CHECKIN, "{\"device_id\":\"" + device + "\"}")));
      String offer = new JsonObject(offers).getJsonArray("offers").getJsonObject(0).getString("offer");
      String accept = "{\"device_id\":\"" + device + "\",\"offer\":\"" + offer + "\"}";
      String bound = exchange(chunked ? chunked("/v1/accept", accept) : withLength("/v1/accept", accept));
      assertThat(bound).startsWith("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ");
      JsonObject binding = new JsonObject(body(bound));
      assertThat(binding.getString("device_id")).isEqualTo(device);
      String confirm = "{\"task_token\":\"" + binding.getString("task_token") + "\"}";
      String confirmed = exchange(chunked ? chunked("/v1/confirm", confirm) : withLength("/v1/confirm", confirm));
      assertThat(confirmed).startsWith("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ");
      assertThat(new JsonObject(body(confirmed))).isEqualTo(new JsonObject().put("job_id", binding.getLong("job_id"))
          .put("round", binding.getInteger("round")).put("device_id", device).put("confirmed", true));
    }
  }

  @Test
  void acceptAndConfirmErrorsAreTheSameBytesWhicheverWayTheBodyCame() throws IOException {
    String[][] refusals = {
        {"/v1/accept", BAD, "400 Bad Request", "must be a string, got a number"},
        {"/v1/accept", "[]", "400 Bad Request", "request body is not a JSON object"},
        {"/v1/accept", "{\"device_id\":\"d-9\",\"offer\":\"a.b.c\"}", "403 Forbidden", "it was not issued by Propius"},
        {"/v1/confirm", "{\"task_token\":17}", "400 Bad Request", "must be a string, got a number"},
        {"/v1/confirm", "{\"task_token\":\"x\"}", "401 Unauthorized", "task token is malformed"}};
    for (String[] refusal : refusals) {
      String direct = exchange(withLength(refusal[0], refusal[1]));
      assertThat(direct).as(refusal[1]).startsWith("HTTP/1.1 " + refusal[2] + "\r\n").contains(refusal[3]);
      assertThat(exchange(chunked(refusal[0], refusal[1]))).isEqualTo(direct);
    }
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  private static String withLength(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  private static String chunked(String path, String body) {
    int half = body.length() / 2;
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
        + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
  }

  /** Sends one request on a new connection and reads its answer (the answer's length is given). */
  private static String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.devicesPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      while (!complete(read.toString(StandardCharsets.UTF_8))) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        read.write(chunk, 0, n);
      }
      return read.toString(StandardCharsets.UTF_8);
    }
  }

  private static boolean complete(String response) {
    String last = response.replaceFirst("^HTTP/1.1 100 Continue\r\n\r\n", "");
    int headEnd = last.indexOf("\r\n\r\n");
    int length = last.indexOf("content-length: ");
    if (headEnd < 0 || length < 0) {
      return false;
    }
    int bodyBytes = Integer.parseInt(last.substring(length + 16, last.indexOf("\r\n", length)));
    return last.length() - headEnd - 4 >= bodyBytes;
  }
}
