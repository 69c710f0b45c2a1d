package dev.cairn.core.sweep;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every combination of the parameters' values, the last parameter varying fastest. */
public final class GridSampler implements Sampler {
  private final List<SweepParameter> parameters;
  private final List<List<Object>> values;

  public GridSampler(List<SweepParameter> parameters) {
    this.parameters = List.copyOf(parameters);
    this.values =
        parameters.stream()
            .map(
                p -> {
                  List<Object> v = p.domain().gridValues();
                  if (v == null) {
                    throw new IllegalArgumentException(
                        "parameter " + p.path() + " cannot be enumerated");
                  }
                  return v;
                })
            .toList();
  }

  /** Number of combinations (capped at {@link Integer#MAX_VALUE}). */
  public int size() {
    long n = 1;
    for (List<Object> v : values) {
      n = Math.min(Integer.MAX_VALUE, n * v.size());
    }
    return (int) n;
  }

  @Override
  public int capacity() {
    return size();
  }

  /** The combination at a 0-based index. */
  public Map<String, Object> combination(int index) {
    Map<String, Object> out = new LinkedHashMap<>();
    int rest = index;
    Object[] picked = new Object[parameters.size()];
    for (int i = parameters.size() - 1; i >= 0; i--) {
      List<Object> v = values.get(i);
      picked[i] = v.get(rest % v.size());
      rest /= v.size();
    }
    for (int i = 0; i < parameters.size(); i++) {
      out.put(parameters.get(i).path(), picked[i]);
    }
    return out;
  }

  @Override
  public Map<String, Object> sample(int trialNo, Collection<TrialHistory> history) {
    return combination((trialNo - 1) % size());
  }
}
