package dev.cairn.core.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The values one swept parameter may take: a fixed value, a categorical list (optionally with
 * probabilities) or a distribution. Numeric domains also describe themselves to the samplers as an
 * interval in a "search space" (the logarithm for {@link LogUniform}).
 */
public sealed interface Domain {
  /** Largest grid a single integer or quantised range may enumerate. */
  int MAX_GRID_VALUES = 10_000;

  /** One independent draw. */
  Object sample(Random random);

  /** Every value a grid visits, or null when the domain is continuous. */
  List<Object> gridValues();

  /** The distribution's name as written in specs. */
  String kind();

  /** {@code value: x}: always x. */
  record Fixed(Object value) implements Domain {
    @Override
    public Object sample(Random random) {
      return value;
    }

    @Override
    public List<Object> gridValues() {
      return Collections.singletonList(value);
    }

    @Override
    public String kind() {
      return "value";
    }
  }

  /**
   * {@code values: [...]}, or {@code distribution: categorical} with optional probabilities.
   *
   * @param probabilities one per value, summing to 1; null means uniform
   */
  record Categorical(List<Object> values, double[] probabilities) implements Domain {
    public Categorical {
      values = Collections.unmodifiableList(new ArrayList<>(values));
      if (probabilities != null && probabilities.length != values.size()) {
        throw new IllegalArgumentException("one probability per value");
      }
    }

    @Override
    public Object sample(Random random) {
      if (probabilities == null) {
        return values.get(random.nextInt(values.size()));
      }
      double u = random.nextDouble();
      double sum = 0;
      for (int i = 0; i < values.size(); i++) {
        sum += probabilities[i];
        if (u < sum) {
          return values.get(i);
        }
      }
      return values.get(values.size() - 1);
    }

    @Override
    public List<Object> gridValues() {
      return values;
    }

    @Override
    public String kind() {
      return "categorical";
    }

    /** The prior probability of each value. */
    public double prior(int index) {
      return probabilities == null ? 1.0 / values.size() : probabilities[index];
    }

    /** Index of a value (compared by their JSON form, so 64 and 64.0 differ but [64] == [64]). */
    public int indexOf(Object value) {
      String key = ValueKeys.key(value);
      for (int i = 0; i < values.size(); i++) {
        if (ValueKeys.key(values.get(i)).equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Categorical c
          && c.values.equals(values)
          && Arrays.equals(c.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
      return Objects.hash(values, Arrays.hashCode(probabilities));
    }

    @Override
    public String toString() {
      return "Categorical" + values + (probabilities == null ? "" : Arrays.toString(probabilities));
    }
  }

  /** A numeric domain: samplers work on {@code [low(), high()]} in search space. */
  sealed interface Numeric extends Domain {
    /** Lower end in search space. */
    double low();

    /** Upper end in search space. */
    double high();

    /** Search space -> the value a spec gets (rounded, exponentiated, typed). */
    Object fromSearch(double x);

    /** A value -> search space. */
    double toSearch(Object value);

    /** Spacing of representable values in search space (0 = continuous). */
    default double step() {
      return 0;
    }
  }

  /** {@code uniform}: a double in [min, max]. */
  record Uniform(double min, double max) implements Numeric {
    @Override
    public Object sample(Random random) {
      return min + (max - min) * random.nextDouble();
    }

    @Override
    public List<Object> gridValues() {
      return null;
    }

    @Override
    public String kind() {
      return "uniform";
    }

    @Override
    public double low() {
      return min;
    }

    @Override
    public double high() {
      return max;
    }

    @Override
    public Object fromSearch(double x) {
      return Math.min(max, Math.max(min, x));
    }

    @Override
    public double toSearch(Object value) {
      return ((Number) value).doubleValue();
    }
  }

  /** {@code int_uniform}: an integer in [min, max], both included. */
  record IntUniform(long min, long max) implements Numeric {
    @Override
    public Object sample(Random random) {
      return typed(min + (long) Math.floor(random.nextDouble() * (max - min + 1)));
    }

    @Override
    public List<Object> gridValues() {
      if (max - min + 1 > MAX_GRID_VALUES) {
        return null;
      }
      List<Object> out = new ArrayList<>();
      for (long v = min; v <= max; v++) {
        out.add(typed(v));
      }
      return out;
    }

    @Override
    public String kind() {
      return "int_uniform";
    }

    @Override
    public double low() {
      return min;
    }

    @Override
    public double high() {
      return max;
    }

    @Override
    public double step() {
      return 1;
    }

    @Override
    public Object fromSearch(double x) {
      return typed(Math.min(max, Math.max(min, Math.round(x))));
    }

    @Override
    public double toSearch(Object value) {
      return ((Number) value).doubleValue();
    }

    static Object typed(long v) {
      return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
    }
  }

  /** {@code log_uniform}: a double in [min, max] whose logarithm is uniform; 0 < min. */
  record LogUniform(double min, double max) implements Numeric {
    @Override
    public Object sample(Random random) {
      return fromSearch(low() + (high() - low()) * random.nextDouble());
    }

    @Override
    public List<Object> gridValues() {
      return null;
    }

    @Override
    public String kind() {
      return "log_uniform";
    }

    @Override
    public double low() {
      return Math.log(min);
    }

    @Override
    public double high() {
      return Math.log(max);
    }

    @Override
    public Object fromSearch(double x) {
      return Math.min(max, Math.max(min, Math.exp(x)));
    }

    @Override
    public double toSearch(Object value) {
      return Math.log(((Number) value).doubleValue());
    }
  }

  /**
   * {@code q_uniform}: {@code round(uniform(min, max) / q) * q}, kept within [min, max]; an integer
   * when min, max and q are integers.
   */
  record QUniform(double min, double max, double q) implements Numeric {
    @Override
    public Object sample(Random random) {
      return fromSearch(min + (max - min) * random.nextDouble());
    }

    @Override
    public List<Object> gridValues() {
      if ((max - min) / q + 1 > MAX_GRID_VALUES) {
        return null;
      }
      List<Object> out = new ArrayList<>();
      for (long k = (long) Math.ceil(min / q - 1e-9); k * q <= max + 1e-9 * q; k++) {
        out.add(typed(k * q));
      }
      return out;
    }

    @Override
    public String kind() {
      return "q_uniform";
    }

    @Override
    public double low() {
      return min;
    }

    @Override
    public double high() {
      return max;
    }

    @Override
    public double step() {
      return q;
    }

    @Override
    public Object fromSearch(double x) {
      double v = Math.round(x / q) * q;
      if (v < min - 1e-12) {
        v += q;
      }
      if (v > max + 1e-12) {
        v -= q;
      }
      return typed(v);
    }

    @Override
    public double toSearch(Object value) {
      return ((Number) value).doubleValue();
    }

    private Object typed(double v) {
      boolean integral = min == Math.rint(min) && q == Math.rint(q);
      return integral ? IntUniform.typed(Math.round(v)) : (Object) v;
    }
  }

  /**
   * {@code normal}: a double drawn from N(mu, sigma²). Samplers that need bounds search {@code mu ±
   * 4 sigma}.
   */
  record Normal(double mu, double sigma) implements Numeric {
    @Override
    public Object sample(Random random) {
      return mu + sigma * random.nextGaussian();
    }

    @Override
    public List<Object> gridValues() {
      return null;
    }

    @Override
    public String kind() {
      return "normal";
    }

    @Override
    public double low() {
      return mu - 4 * sigma;
    }

    @Override
    public double high() {
      return mu + 4 * sigma;
    }

    @Override
    public Object fromSearch(double x) {
      return x;
    }

    @Override
    public double toSearch(Object value) {
      return ((Number) value).doubleValue();
    }
  }
}
