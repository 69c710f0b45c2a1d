package dev.cairn.core.tracking.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's in-memory side of the chunked series: per run and tag, the open chunk, any chunks
 * sealed since the last flush, and the last accepted step. Not thread-safe: the store calls it from
 * its single writer, under its write lock.
 */
public final class ChunkBuffer {
  private final Map<String, Map<String, SeriesState>> runs = new HashMap<>();

  private static final class SeriesState {
    final List<OpenChunk> sealedUnflushed = new ArrayList<>(2);
    OpenChunk current;
    int nextChunkNo;
    long lastStep = Long.MIN_VALUE;
    boolean empty = true;
  }

  /** True when the run's stored tails were loaded since it was last dropped. */
  public boolean isLoaded(String runId) {
    return runs.containsKey(runId);
  }

  /** Starts tracking a run from the last stored chunk of each of its series. */
  public void load(String runId, List<ChunkTail> tails) {
    Map<String, SeriesState> series = new HashMap<>();
    for (ChunkTail tail : tails) {
      SeriesState state = new SeriesState();
      state.empty = tail.count() == 0;
      state.lastStep = tail.lastStep();
      if (tail.sealed() || tail.count() >= OpenChunk.CAPACITY) {
        state.nextChunkNo = tail.chunkNo() + 1;
      } else {
        state.current =
            OpenChunk.restore(
                runId, tail.tag(), tail.chunkNo(), tail.steps(), tail.wallTimes(), tail.values());
        state.nextChunkNo = tail.chunkNo() + 1;
      }
      series.put(tail.tag(), state);
    }
    runs.put(runId, series);
  }

  /**
   * Appends a point to its series unless its step is not greater than the series' last step. The
   * run must have been loaded. Returns whether the point was taken.
   */
  public boolean append(String runId, String tag, long step, long wallTime, double value) {
    Map<String, SeriesState> series = runs.get(runId);
    if (series == null) {
      throw new IllegalStateException("run " + runId + " not loaded");
    }
    SeriesState state = series.computeIfAbsent(tag, t -> new SeriesState());
    if (!state.empty && step <= state.lastStep) {
      return false;
    }
    if (state.current == null) {
      state.current = new OpenChunk(runId, tag, state.nextChunkNo++);
    }
    state.current.append(step, wallTime, value);
    state.lastStep = step;
    state.empty = false;
    if (state.current.isFull()) {
      state.sealedUnflushed.add(state.current);
      state.current = null;
    }
    return true;
  }

  /**
   * Appends a series' points in order, with one lookup of its state, skipping those whose step is
   * not greater than the last taken one. The run must have been loaded. Returns how many were
   * taken.
   */
  public int appendAll(String runId, String tag, long[] steps, long[] wallTimes, double[] values) {
    Map<String, SeriesState> series = runs.get(runId);
    if (series == null) {
      throw new IllegalStateException("run " + runId + " not loaded");
    }
    SeriesState state = series.computeIfAbsent(tag, t -> new SeriesState());
    int taken = 0;
    for (int i = 0; i < steps.length; i++) {
      long step = steps[i];
      if (!state.empty && step <= state.lastStep) {
        continue;
      }
      if (state.current == null) {
        state.current = new OpenChunk(runId, tag, state.nextChunkNo++);
      }
      state.current.append(step, wallTimes[i], values[i]);
      state.lastStep = step;
      state.empty = false;
      taken++;
      if (state.current.isFull()) {
        state.sealedUnflushed.add(state.current);
        state.current = null;
      }
    }
    return taken;
  }

  /** Chunks with points not yet flushed, of one run or (runId null) of every run. */
  public List<OpenChunk> dirtyChunks(String runId) {
    List<OpenChunk> dirty = new ArrayList<>();
    if (runId == null) {
      runs.values().forEach(series -> collectDirty(series, dirty));
    } else {
      Map<String, SeriesState> series = runs.get(runId);
      if (series != null) {
        collectDirty(series, dirty);
      }
    }
    return dirty;
  }

  private static void collectDirty(Map<String, SeriesState> series, List<OpenChunk> out) {
    for (SeriesState state : series.values()) {
      out.addAll(state.sealedUnflushed);
      if (state.current != null && state.current.isDirty()) {
        out.add(state.current);
      }
    }
  }

  /** Called once the given chunks are committed: sealed ones leave memory. */
  public void flushed(List<OpenChunk> chunks) {
    for (OpenChunk chunk : chunks) {
      chunk.markClean();
      Map<String, SeriesState> series = runs.get(chunk.runId());
      if (series != null && chunk.isFull()) {
        SeriesState state = series.get(chunk.tag());
        if (state != null) {
          state.sealedUnflushed.remove(chunk);
        }
      }
    }
  }

  /** Forgets a run; its next point reloads the stored tails. */
  public void drop(String runId) {
    runs.remove(runId);
  }

  /** Series the writer holds state for, across all loaded runs. */
  public int openSeriesCount() {
    return runs.values().stream().mapToInt(Map::size).sum();
  }
}
