package dev.cairn.server.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoded chart series of ended runs, so that opening Scalars again on the same runs (or another
 * view and back) does not read, smooth and downsample 200 runs' series again. An entry belongs to
 * the run's summary it was read under ({@link RunIndex.Entry}, compared by identity): new data, a
 * changed status or notes give the run a new summary, and its old entries are never used again.
 * Only runs that ended are cached (a training run's series grows every flush). At most {@link
 * #MAX_CHARS} characters in all; the least recently used go first. Thread-safe.
 */
final class ChartCache {
  /** 32 M characters of JSON (ASCII: one byte each): 10 tags of 200 runs at 1,000 points fit. */
  static final long MAX_CHARS = 32L << 20;

  private record Key(
      String runId, String tag, int maxPoints, double smoothing, long from, long to) {}

  private record Value(RunIndex.Entry summary, String json) {}

  private final Map<Key, Value> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private long chars;

  /** The encoded series, when cached under this summary of its run. */
  synchronized String get(
      RunIndex.Entry summary, String tag, int maxPoints, double smoothing, long from, long to) {
    Key key = new Key(summary.run().id(), tag, maxPoints, smoothing, from, to);
    Value v = entries.get(key);
    if (v == null) {
      return null;
    }
    if (v.summary() != summary) {
      entries.remove(key);
      chars -= v.json().length();
      return null;
    }
    return v.json();
  }

  /** Keeps an encoded series of a run that ended; a run still going is not kept. */
  synchronized void put(
      RunIndex.Entry summary,
      String tag,
      int maxPoints,
      double smoothing,
      long from,
      long to,
      String json) {
    if (!summary.run().status().terminal() || json.length() > MAX_CHARS / 16) {
      return;
    }
    Value old =
        entries.put(
            new Key(summary.run().id(), tag, maxPoints, smoothing, from, to),
            new Value(summary, json));
    chars += json.length() - (old == null ? 0 : old.json().length());
    Iterator<Value> eldest = entries.values().iterator();
    while (chars > MAX_CHARS && eldest.hasNext()) {
      chars -= eldest.next().json().length();
      eldest.remove();
    }
  }
}
