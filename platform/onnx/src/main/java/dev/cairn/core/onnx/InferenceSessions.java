package dev.cairn.core.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded cache of open ONNX Runtime sessions, one per model id, least recently used first out.
 * Callers lease a session for one call; a session that leaves the cache (evicted, invalidated when
 * its model is deleted, or the cache closing) is closed once its last lease is returned. ONNX
 * Runtime sessions are safe to run from several threads at once.
 */
public final class InferenceSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceSessions.class);

  private static final String PROVIDER_SEPARATOR = "\u0000provider=";
  private final ProviderChoice choice;
  private final int capacity;
  private final LinkedHashMap<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  public InferenceSessions(ProviderChoice choice, int capacity) {
    this.choice = choice;
    this.capacity = Math.max(1, capacity);
  }

  public ProviderChoice choice() {
    return choice;
  }

  private static final class Entry {
    final ExecutionProviders.Opened opened;
    final ShapeInference shapes;
    int leases;
    boolean retired;

    Entry(ExecutionProviders.Opened opened, ShapeInference shapes) {
      this.opened = opened;
      this.shapes = shapes;
    }
  }

  /** One use of a cached session; close it to hand the session back. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public OrtSession session() {
      return entry.opened.session();
    }

    /** The model's shapes, to size a prediction before it runs. */
    ShapeInference shapes() {
      return entry.shapes;
    }

    /** {@code cpu} or {@code cuda}. */
    public String provider() {
      return entry.opened.provider();
    }

    /**
     * Why this provider, e.g. "CPU execution provider (auto: this ONNX Runtime build has no CUDA
     * provider)".
     */
    public String providerNote() {
      return entry.opened.note();
    }

    @Override
    public void close() {
      synchronized (InferenceSessions.this) {
        if (released) {
          return;
        }
        released = true;
        entry.leases--;
        if (entry.retired && entry.leases == 0) {
          closeQuietly(entry);
        }
      }
    }
  }

  /** Leases the session of model {@code key}, opening {@code file} when it is not cached. */
  public synchronized Lease acquire(String key, Path file) {
    return acquire(key, file, null);
  }

  /**
   * As {@link #acquire(String, Path)} on provider {@code override} (a request's own choice; null =
   * this cache's); each provider of a model is a session of its own.
   */
  public synchronized Lease acquire(String key, Path file, ProviderChoice override) {
    if (closed) {
      throw new IllegalStateException("inference sessions are closed");
    }
    ProviderChoice use = override == null ? choice : override;
    String cacheKey = use == choice ? key : key + PROVIDER_SEPARATOR + use.label();
    Entry entry = cache.get(cacheKey);
    if (entry == null) {
      entry = new Entry(ExecutionProviders.open(file, use), ShapeInference.read(file));
      cache.put(cacheKey, entry);
      evictBeyondCapacity();
    }
    entry.leases++;
    return new Lease(entry);
  }

  /** Closes and forgets the session of {@code key} (e.g. its model was deleted). */
  public synchronized void invalidate(String key) {
    Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (e.getKey().equals(key) || e.getKey().startsWith(key + PROVIDER_SEPARATOR)) {
        it.remove();
        retire(e.getValue());
      }
    }
  }

  /** Ids of the models with an open session, least recently used first. */
  public synchronized List<String> openModels() {
    return new ArrayList<>(cache.keySet());
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
    while (cache.size() > capacity && it.hasNext()) {
      Entry eldest = it.next().getValue();
      it.remove();
      retire(eldest);
    }
  }

  private void retire(Entry entry) {
    entry.retired = true;
    if (entry.leases == 0) {
      closeQuietly(entry);
    }
  }

  private static void closeQuietly(Entry entry) {
    try {
      entry.opened.session().close();
    } catch (OrtException e) {
      LOG.warn("closing an ONNX Runtime session failed", e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    cache.values().forEach(this::retire);
    cache.clear();
  }
}
