package dev.cairn.core.tracking.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Keyset position in the newest-first run listing: the creation time and id of the last run of a
 * page. Opaque to callers (URL-safe base64); a token that does not parse is rejected by name.
 */
public record RunPageToken(Instant createdAt, String runId) {
  private static final String VERSION = "r1";

  public String encode() {
    String plain =
        VERSION + ":" + createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + runId;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  public static RunPageToken decode(String token) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = plain.split(":", 4);
      if (parts.length != 4 || !parts[0].equals(VERSION) || parts[3].isEmpty()) {
        throw new IllegalArgumentException("bad layout");
      }
      Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      return new RunPageToken(at, parts[3]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Invalid page token '" + token + "': pass back the nextPageToken of a previous page", e);
    }
  }
}
