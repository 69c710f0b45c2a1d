package dev.cairn.server.mlflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Collects one page of a search while the store is scanned page by page: keeps only the first
 * {@code offset + max + 1} matches in the answer's order (the extra one tells that a next page
 * exists), so a search never holds more than that many rows. When the scan already comes in the
 * answer's order it stops the scan as soon as that many matched.
 *
 * @param <T> what is searched; {@code order} must be a total order on it
 */
final class PageCollector<T> implements Predicate<T> {
  private final TreeSet<T> kept;
  private final Predicate<T> filter;
  private final int offset;
  private final int max;
  private final long keep;
  private final boolean inScanOrder;

  PageCollector(
      Predicate<T> filter, Comparator<T> order, boolean inScanOrder, int offset, int max) {
    this.kept = new TreeSet<>(order);
    this.filter = filter;
    this.offset = offset;
    this.max = max;
    this.keep = (long) offset + max + 1;
    this.inScanOrder = inScanOrder;
  }

  /** Takes {@code t} if it matches; false once the scan can stop. */
  @Override
  public boolean test(T t) {
    if (!filter.test(t)) {
      return true;
    }
    kept.add(t);
    if (kept.size() > keep) {
      kept.pollLast();
    }
    return !(inScanOrder && kept.size() >= keep);
  }

  /** The page as {@code field} of an MLflow answer, with a next_page_token if more follow. */
  JsonObject answer(String field, Function<T, JsonObject> json) {
    JsonArray out = new JsonArray();
    kept.stream().skip(offset).limit(max).forEach(t -> out.add(json.apply(t)));
    return MlflowRoutes.page(new JsonObject().put(field, out), offset, max, kept.size());
  }
}
