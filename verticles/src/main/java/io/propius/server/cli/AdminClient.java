package io.propius.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Blocking calls to a node's admin API (a command line has nothing else to do meanwhile). */
final class AdminClient {
  /** A call that did not succeed; the message is the one line the user sees. */
  static final class AdminCallException extends RuntimeException {
    AdminCallException(String message) {
      super(message);
    }
  }

  private final String base;
  private final String key;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(String server, String key) {
    this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    this.key = key;
  }

  JsonObject get(String path) {
    return call("GET", path, null);
  }

  JsonObject post(String path, JsonObject body) {
    return call("POST", path, body);
  }

  JsonObject put(String path, JsonObject body) {
    return call("PUT", path, body);
  }

  /** The body of {@code GET path} as text (for {@code /metrics}). */
  String text(String path) {
    return send("GET", path, null).body();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonObject call(String method, String path, JsonObject body) {
    HttpResponse<String> resp = send(method, path, body);
    try {
      return new JsonObject(resp.body());
    } catch (DecodeException e) {
      throw new AdminCallException(base + path + " answered something that is not JSON: " + e.getMessage());
    }
  }

  private HttpResponse<String> send(String method, String path, JsonObject body) {
    URI uri;
    try {
      uri = URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new AdminCallException("--server " + base + " is not a URL: " + e.getMessage());
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    if (key != null && !key.isEmpty()) {
      req.header("Authorization", "Bearer " + key);
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new AdminCallException("cannot reach " + base + ": connection refused (is a node running there?)");
    } catch (HttpTimeoutException e) {
      throw new AdminCallException("cannot reach " + base + ": no answer in time");
    } catch (IOException e) {
      throw new AdminCallException("cannot reach " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminCallException("interrupted");
    } catch (IllegalArgumentException e) {
      throw new AdminCallException("--server " + base + " is not an http(s) URL");
    }
    if (resp.statusCode() >= 400) {
      String message = resp.body();
      try {
        JsonObject error = new JsonObject(resp.body()).getJsonObject("error", new JsonObject());
        message = error.getString("code", "") + ": " + error.getString("message", resp.body());
      } catch (DecodeException | ClassCastException ignored) {
        // not a Propius error body: show it as it is
      }
      throw new AdminCallException(method + " " + path + " failed with HTTP " + resp.statusCode() + " " + message);
    }
    return resp;
  }
}
