package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/** POSTs to the server with the bearer token; retries what may succeed later with backoff. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final URI base;
  private final String token;
  private final Duration requestTimeout;
  private final Duration maxBackoff;

  Http(URI base, String token, Duration requestTimeout, Duration maxBackoff) {
    // HTTP/1.1: the JDK client would otherwise try an h2c upgrade with every request body
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.maxBackoff = maxBackoff;
  }

  URI resolve(String path) {
    return base.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  /** One attempt. Returns the answer for 2xx; throws {@link CairnClientException} otherwise. */
  JsonNode post(String path, String contentType, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(resolve(path))
            .timeout(requestTimeout)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      rb.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> response =
        client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    int status = response.statusCode();
    JsonNode json = parse(response.body());
    if (status / 100 == 2) {
      return json;
    }
    String message =
        json != null && json.path("error").has("message")
            ? json.path("error").path("message").asText()
            : "HTTP " + status;
    throw new CairnClientException(status, path + ": " + message);
  }

  /**
   * Posts until it succeeds, the server refuses it (4xx other than 408 / 429), or {@code deadline}
   * (System.nanoTime) passes; waits 100 ms, 200 ms, ... up to the maximum backoff in between.
   */
  JsonNode postWithRetries(String path, String contentType, byte[] body, long deadline)
      throws InterruptedException {
    return postWithRetries(path, contentType, body, () -> deadline);
  }

  /** As above, with a deadline that may move closer while it retries (when the client closes). */
  JsonNode postWithRetries(String path, String contentType, byte[] body, LongSupplier deadline)
      throws InterruptedException {
    long wait = 100;
    while (true) {
      try {
        return post(path, contentType, body);
      } catch (CairnClientException e) {
        if (!retryable(e.status())) {
          throw e;
        }
        if (System.nanoTime() + wait * 1_000_000 > deadline.getAsLong()) {
          throw e;
        }
      } catch (IOException e) {
        if (System.nanoTime() + wait * 1_000_000 > deadline.getAsLong()) {
          throw new CairnClientException("server at " + base + " unreachable: " + e, e);
        }
      }
      Thread.sleep(wait);
      wait = Math.min(wait * 2, maxBackoff.toMillis());
    }
  }

  /**
   * PUTs a file, streamed from disk, until the server answers 2xx, refuses it (4xx other than 408 /
   * 429), or {@code deadline} (System.nanoTime) passes. A PUT replaces what is at its path, so
   * sending it again after a lost answer stores it once.
   */
  JsonNode putFileWithRetries(String path, Path file, long deadline) throws InterruptedException {
    long wait = 100;
    while (true) {
      try {
        HttpRequest.Builder rb =
            HttpRequest.newBuilder(resolve(path))
                .timeout(
                    requestTimeout.plus(
                        Duration.ofMillis(Files.size(file) / 1000))) // ~1 MB/s at worst
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file));
        if (token != null) {
          rb.header("Authorization", "Bearer " + token);
        } else {
          rb.header("X-Cairn-Request", "1");
        }
        HttpResponse<byte[]> response =
            client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 == 2) {
          return json;
        }
        String message =
            json != null && json.path("error").has("message")
                ? json.path("error").path("message").asText()
                : "HTTP " + response.statusCode();
        CairnClientException e =
            new CairnClientException(response.statusCode(), path + ": " + message);
        if (!retryable(response.statusCode()) || System.nanoTime() + wait * 1_000_000 > deadline) {
          throw e;
        }
      } catch (FileNotFoundException | NoSuchFileException e) {
        throw new CairnClientException("cannot read " + file + ": " + e.getMessage(), e);
      } catch (IOException e) {
        if (System.nanoTime() + wait * 1_000_000 > deadline) {
          throw new CairnClientException("server at " + base + " unreachable: " + e, e);
        }
      }
      Thread.sleep(wait);
      wait = Math.min(wait * 2, maxBackoff.toMillis());
    }
  }

  static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500 || status == -1;
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
