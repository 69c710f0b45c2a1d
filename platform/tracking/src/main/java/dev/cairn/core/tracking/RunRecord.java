package dev.cairn.core.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * A stored run.
 *
 * @param startedAt null until RUNNING
 * @param endedAt null until terminal
 * @param message failure or kill reason; null otherwise
 * @param owner who created it: a token's name, or {@code local}
 */
public record RunRecord(
    String id,
    String experiment,
    String name,
    RunStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt,
    long seed,
    String device,
    String specHash,
    String specText,
    String message,
    Map<String, String> provenance,
    String owner) {
  public RunRecord {
    owner = owner == null ? "local" : owner;
  }

  /** A run created without authentication (owner {@code local}). */
  public RunRecord(
      String id,
      String experiment,
      String name,
      RunStatus status,
      Instant createdAt,
      Instant startedAt,
      Instant endedAt,
      long seed,
      String device,
      String specHash,
      String specText,
      String message,
      Map<String, String> provenance) {
    this(
        id,
        experiment,
        name,
        status,
        createdAt,
        startedAt,
        endedAt,
        seed,
        device,
        specHash,
        specText,
        message,
        provenance,
        "local");
  }
}
