package dev.cairn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 keep-alive client on one plain socket, for timing a server without a client
 * library's own threads: the whole request (head and body) is written in one call on the caller's
 * thread, the response head is read up to its blank line and the body by Content-Length. Like the
 * C++ client of Triton's perf_analyzer, it costs next to nothing itself. Not thread-safe: one per
 * caller thread. Handles only what Cairn answers (Content-Length bodies, no chunked encoding).
 */
final class LeanHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;
  private byte[] buf = new byte[64 * 1024];

  /** The last response: status, body and the Inference-Header-Content-Length header or -1. */
  int status;

  byte[] body;
  int inferenceHeaderLength;

  LeanHttp(String host, int port) throws IOException {
    this.host = host + ":" + port;
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port));
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** A request's bytes, built once and sent as they are on every call. */
  byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A POST's bytes; {@code headerLength} (binary tensors) null for a JSON body. */
  byte[] post(String path, byte[] body, Integer headerLength) {
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: "
            + (headerLength == null ? "application/json" : "application/octet-stream")
            + (headerLength == null ? "" : "\r\nInference-Header-Content-Length: " + headerLength)
            + "\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Sends {@code request} and reads the whole response; throws unless it is a 200. */
  void send(byte[] request) throws IOException {
    exchange(request);
    if (status != 200) {
      throw new IllegalStateException(status + " " + new String(body, StandardCharsets.UTF_8));
    }
  }

  /** Sends {@code request} and reads the whole response into {@link #status} and {@link #body}. */
  void exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    int filled = 0;
    int headEnd = -1;
    while (headEnd < 0) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        throw new IOException("connection closed by the server");
      }
      int from = Math.max(0, filled - 3);
      filled += n;
      for (int i = from; i + 3 < filled; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
          headEnd = i + 4;
          break;
        }
      }
    }
    String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    status = Integer.parseInt(lines[0].split(" ")[1]);
    int length = 0;
    inferenceHeaderLength = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Integer.parseInt(value);
      } else if (name.equals("inference-header-content-length")) {
        inferenceHeaderLength = Integer.parseInt(value);
      } else if (name.equals("transfer-encoding")) {
        throw new IOException("chunked responses are not handled by this client");
      }
    }
    body = new byte[length];
    int have = Math.min(length, filled - headEnd);
    System.arraycopy(buf, headEnd, body, 0, have);
    while (have < length) {
      int n = in.read(body, have, length - have);
      if (n < 0) {
        throw new IOException("connection closed inside a response body");
      }
      have += n;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
