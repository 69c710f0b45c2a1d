package dev.cairn.core.tracking;

/**
 * A page of runs, newest first.
 *
 * @param experiment only this experiment, or null for all
 * @param status only this status, or null for all
 * @param limit page size, 1..1000
 * @param pageToken token from the previous page, or null for the first
 * @param owner only runs this token name (or {@code local}) created, or null for all
 */
public record RunQuery(
    String experiment, RunStatus status, int limit, String pageToken, String owner) {
  public RunQuery(String experiment, RunStatus status, int limit, String pageToken) {
    this(experiment, status, limit, pageToken, null);
  }

  public RunQuery {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
    }
  }

  public static RunQuery firstPage(int limit) {
    return new RunQuery(null, null, limit, null);
  }
}
