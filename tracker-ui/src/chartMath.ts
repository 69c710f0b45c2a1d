/**
 * Pure helpers for the Scalars charts: an outlier-robust y range, tick steps and labels, and the
 * statistics of a group of runs (mean, min, max, standard deviation on a shared x grid).
 */

/** The value at quantile `q` (0..1) of sorted values, linearly interpolated. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * A y range that ignores outliers (TensorBoard's "ignore outliers"): from the 2nd to the 98th
 * percentile (nearest rank, inward) of the finite values, widened by 10 % on each side; null when
 * there are none.
 */
export function robustRange(values: Iterable<number | null>, q = 0.02): [number, number] | null {
  const v: number[] = [];
  for (const x of values) if (x !== null && Number.isFinite(x)) v.push(x);
  if (v.length === 0) return null;
  v.sort((a, b) => a - b);
  // nearest ranks inward: with few points (20 steps) an interpolated 98th percentile would still
  // reach halfway into a spike; with under 5 points there is nothing to call an outlier
  const n = v.length;
  let lo = n < 5 ? v[0] : v[Math.ceil((n - 1) * q)];
  let hi = n < 5 ? v[n - 1] : v[Math.floor((n - 1) * (1 - q))];
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.1;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** Tick steps of whole numbers only (steps, epochs): 1, 2, 5, 10, 20, 50, ... */
export function integerIncrs(max = 1e15): number[] {
  const out: number[] = [];
  for (let m = 1; m <= max; m *= 10) out.push(m, 2 * m, 5 * m);
  return out;
}

/**
 * Tick labels that are never clipped and never longer than they need: 150000 -> "150k",
 * 2500000 -> "2.5M", 0.0001 -> "1e-4"; the same number of decimals on every tick of an axis.
 */
export function tickLabels(ticks: number[]): string[] {
  const finite = ticks.filter((t) => Number.isFinite(t));
  const max = finite.reduce((m, t) => Math.max(m, Math.abs(t)), 0);
  if (max >= 1e4) {
    const [div, unit] = max >= 1e12 ? [1e12, 'T'] : max >= 1e9 ? [1e9, 'G'] : max >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    const d = decimals(finite.map((t) => t / div));
    return ticks.map((t) => (t === 0 ? '0' : (t / div).toFixed(d) + unit));
  }
  const nonZero = finite.filter((t) => t !== 0).map((t) => Math.abs(t));
  const min = nonZero.length ? Math.min(...nonZero) : 1;
  if (max < 1e-3 && max > 0 || (min < 1e-4 && max < 1e-2)) return ticks.map((t) => (t === 0 ? '0' : t.toExponential(Math.min(2, decimals(finite.map((x) => x / 10 ** Math.floor(Math.log10(min))))))));
  const d = decimals(finite);
  return ticks.map((t) => t.toFixed(d));
}

/** Decimals needed to tell the values apart (at most 6). */
function decimals(values: number[]): number {
  for (let d = 0; d <= 6; d++) {
    if (values.every((v) => Math.abs(Number(v.toFixed(d)) - v) < 1e-9 * Math.max(1, Math.abs(v)))) return d;
  }
  return 6;
}

/** Pixels a y axis needs for its labels: the widest label at about 7 px a character, plus the ticks. */
export function axisSize(labels: string[], charPx = 7): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.max(40, Math.ceil(longest * charPx) + 18);
}

export interface GroupStats {
  x: number[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  std: (number | null)[];
  /** runs that have a value at each x */
  count: number[];
}

/** `ys[i]` at `x` by linear interpolation between its neighbouring points; null outside its range. */
function valueAt(xs: number[], ys: (number | null)[], x: number, from: number): [number | null, number] {
  let i = from;
  while (i < xs.length && xs[i] < x) i++;
  if (i < xs.length && xs[i] === x) return [ys[i], i];
  if (i === 0 || i >= xs.length) return [null, i];
  const a = ys[i - 1];
  const b = ys[i];
  if (a === null || b === null) return [null, i];
  return [a + ((b - a) * (x - xs[i - 1])) / (xs[i] - xs[i - 1]), i];
}

/**
 * A group's curve: on the union of its runs' x values, the mean, min, max and (population)
 * standard deviation of the runs that cover that x, each run's value read by linear
 * interpolation inside its own x range (runs logged at different steps still line up).
 */
export function groupStats(xs: number[][], ys: (number | null)[][]): GroupStats {
  const all = new Set<number>();
  for (const x of xs) for (const v of x) all.add(v);
  const x = [...all].sort((a, b) => a - b);
  const out: GroupStats = { x, mean: [], min: [], max: [], std: [], count: [] };
  const cursor = xs.map(() => 0);
  for (const at of x) {
    let n = 0;
    let sum = 0;
    let sq = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < xs.length; r++) {
      const [v, i] = valueAt(xs[r], ys[r], at, cursor[r]);
      cursor[r] = Math.max(0, i - 1);
      if (v === null || !Number.isFinite(v)) continue;
      n++;
      sum += v;
      sq += v * v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    out.count.push(n);
    if (n === 0) {
      out.mean.push(null);
      out.min.push(null);
      out.max.push(null);
      out.std.push(null);
      continue;
    }
    const mean = sum / n;
    out.mean.push(mean);
    out.min.push(lo);
    out.max.push(hi);
    out.std.push(Math.sqrt(Math.max(0, sq / n - mean * mean)));
  }
  return out;
}

/** A run's group key for a grouping: `param:K` (its value of K), `tags` (its tags), `experiment`, `status`, `owner`. */
export function groupKey(run: { params: Record<string, string>; tags: string[]; experiment: string; status: string; owner?: string }, group: string): string {
  if (group.startsWith('param:')) return run.params[group.slice(6)] ?? '(none)';
  if (group === 'tags') return run.tags.length ? [...run.tags].sort().join(', ') : '(no tags)';
  if (group.startsWith('tag:')) return run.tags.includes(group.slice(4)) ? group.slice(4) : `not ${group.slice(4)}`;
  if (group === 'experiment') return run.experiment;
  if (group === 'status') return run.status;
  if (group === 'owner') return run.owner ?? 'local';
  return '';
}
