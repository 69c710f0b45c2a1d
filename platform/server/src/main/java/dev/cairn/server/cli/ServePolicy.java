package dev.cairn.server.cli;

import dev.cairn.server.http.AuthSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code cairn serve}'s security options and its start-up policy (docs/security.md): a loopback
 * bind without tokens is open as before; any other bind without tokens refuses to start unless
 * --insecure-no-auth, which warns at every start.
 */
final class ServePolicy {
  @Option(
      names = "--public-read",
      description =
          "Let anyone read runs, models and sweeps without a token (writes still need one).")
  boolean publicRead;

  @Option(
      names = "--insecure-no-auth",
      description =
          "Serve without authentication even on a non-loopback address (anyone who reaches the port can delete runs). Warns at every start.")
  boolean insecureNoAuth;

  @Option(
      names = "--cors-origin",
      split = ",",
      paramLabel = "ORIGIN",
      description =
          "Origins (e.g. https://lab.example) allowed to call the API from a browser; default none.")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--write-rate-limit",
      defaultValue = "" + AuthSettings.DEFAULT_WRITES_PER_MINUTE,
      paramLabel = "N",
      description =
          "Write requests each token may make per minute (default ${DEFAULT-VALUE}); more get 429 with Retry-After.")
  int writesPerMinute;

  @Option(
      names = "--auth-failure-delay",
      defaultValue = "" + AuthSettings.DEFAULT_FAILURE_DELAY_MILLIS,
      paramLabel = "MS",
      description =
          "After 5 failed authentications from one address, hold each further failed answer this long,"
              + " doubling up to 8000 ms (default ${DEFAULT-VALUE}; 0 = never).")
  long failureDelayMillis;

  /** The settings to serve with, or null after printing why the server must not start. */
  AuthSettings decide(String host, int tokenCount) {
    if (writesPerMinute < 1) {
      System.err.println("error: --write-rate-limit must be at least 1");
      return null;
    }
    if (failureDelayMillis < 0 || failureDelayMillis > 8000) {
      System.err.println("error: --auth-failure-delay must be between 0 and 8000 (milliseconds)");
      return null;
    }
    for (String o : corsOrigins) {
      if (!o.matches("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?")) {
        System.err.println(
            "error: --cors-origin '"
                + o
                + "' is not an origin; write scheme://host[:port], e.g. https://lab.example:8443");
        return null;
      }
    }
    boolean loopback = isLoopback(host);
    if (insecureNoAuth) {
      System.err.println(
          "WARNING: --insecure-no-auth: serving "
              + host
              + " without authentication; anyone who reaches"
              + " this port can train, delete runs and upload models. Create tokens (cairn token create) and drop this option.");
      return new AuthSettings(false, false, corsOrigins, writesPerMinute, failureDelayMillis);
    }
    if (tokenCount == 0 && !loopback) {
      System.err.println(
          "error: refusing to serve "
              + host
              + " without authentication: no API token exists."
              + " Create one with `cairn token create --name NAME --scope admin` (then send it as Authorization: Bearer TOKEN),"
              + " bind --host 127.0.0.1, or accept the risk with --insecure-no-auth");
      return null;
    }
    if (publicRead && tokenCount == 0) {
      System.err.println(
          "note: --public-read has no effect until a token exists (without tokens a loopback server is open)");
    }
    return new AuthSettings(
        tokenCount > 0, publicRead, corsOrigins, writesPerMinute, failureDelayMillis);
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
