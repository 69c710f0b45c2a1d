package dev.cairn.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/** A Cairn server a command works through: its base URL and the token to send (never printed). */
record ServerLink(String url, String token) {
  /** No server where one was named; the message is the one line to print. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  /** A request the server answered with an error: the status and the server's message. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  @Override
  public String toString() {
    return "ServerLink[" + url + "]"; // never the token
  }

  JsonObject get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  JsonObject post(String path, JsonObject body) {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  /** POSTs a file as {@code application/octet-stream} (streamed from disk). */
  JsonObject postFile(String path, Path file) throws FileNotFoundException {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofFile(file)));
  }

  /** Saves what GET {@code path} answers into {@code target}. */
  void download(String path, Path target) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path)).GET().timeout(Duration.ofMinutes(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".download-", ".part");
      try {
        HttpResponse<Path> r =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .send(b.build(), HttpResponse.BodyHandlers.ofFile(tmp));
        if (r.statusCode() != 200) {
          throw new Refused(
              r.statusCode(),
              "the server at " + url + " answered " + r.statusCode() + " for " + path);
        }
        // a copy, not a move: the file gets the default permissions, not the temporary file's 0600
        Files.copy(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new Unreachable("could not download " + path + " from " + url + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while downloading from " + url);
    }
  }

  private JsonObject send(HttpRequest.Builder b) {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  b.timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonObject json;
      try {
        json = r.body() == null || r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
      } catch (DecodeException e) {
        json = new JsonObject();
      }
      if (r.statusCode() / 100 != 2) {
        Object error = json.getValue("error");
        String message =
            error instanceof JsonObject e
                ? e.getString("message", "HTTP " + r.statusCode())
                : error instanceof String e ? e : "HTTP " + r.statusCode();
        throw new Refused(
            r.statusCode(),
            "the server at " + url + " answered " + r.statusCode() + ": " + message);
      }
      return json;
    } catch (IOException e) {
      throw new Unreachable("the Cairn server at " + url + " did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while waiting for the server at " + url);
    }
  }
}
