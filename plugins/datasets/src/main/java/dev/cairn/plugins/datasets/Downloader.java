package dev.cairn.plugins.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads one file over HTTP into a folder, all or nothing: the body goes to a temporary file
 * next to the target, its SHA-256 is checked, and only then is it moved into place atomically. On
 * any failure the temporary file is deleted and the target is left as it was.
 */
final class Downloader {
  private static final int BUFFER = 1 << 16;
  private final HttpClient client;

  Downloader() {
    this(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build());
  }

  Downloader(HttpClient client) {
    this.client = client;
  }

  /**
   * Downloads {@code uri} to {@code target}.
   *
   * @param sha256 expected SHA-256 of the body, lower-case hex
   * @throws IOException naming the URL on HTTP errors, broken connections and checksum mismatches
   */
  void download(URI uri, Path target, String sha256) throws IOException {
    download(uri, target, "SHA-256", sha256);
  }

  /**
   * Downloads {@code uri} to {@code target}, checked with another digest (e.g. {@code MD5}, where
   * that is all a data set's authors publish).
   *
   * @param expected the expected digest of the body, lower-case hex
   */
  void download(URI uri, Path target, String algorithm, String expected) throws IOException {
    Files.createDirectories(target.getParent());
    Path part = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
    try {
      fetch(uri, part, algorithm, expected);
      move(part, target);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private void fetch(URI uri, Path part, String algorithm, String expected) throws IOException {
    MessageDigest digest = digest(algorithm);
    int status;
    long size = 0;
    try {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      try (InputStream body = response.body()) {
        if (status == 200) {
          try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = body.read(buffer)) >= 0; size += n) {
              out.write(buffer, 0, n);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + uri + " interrupted");
    } catch (IOException e) {
      String after = size > 0 ? " after " + size + " bytes" : "";
      throw new IOException("download of " + uri + " failed" + after + ": " + describe(uri, e), e);
    }
    if (status != 200) {
      throw new IOException("download of " + uri + " failed: HTTP " + status);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(expected)) {
      throw new IOException(
          "download of "
              + uri
              + " failed: checksum mismatch, expected "
              + algorithm
              + " "
              + expected
              + ", got "
              + actual
              + " ("
              + size
              + " bytes); nothing was saved");
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String describe(URI uri, IOException e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
      return "cannot resolve " + uri.getHost() + " (no network?)";
    }
    if (e instanceof ConnectException && e.getMessage() == null) {
      return "cannot connect to " + uri.getAuthority();
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256 and MD5", e);
    }
  }
}
