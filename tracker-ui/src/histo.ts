import type { HistogramAt } from './types';

/** TensorBoard's distribution percentiles (in basis points of 10,000). */
export const PERCENTILES = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/** Left and right edge of every bucket. */
export function edges(h: HistogramAt): [number, number][] {
  const out: [number, number][] = [];
  let left = h.left ?? h.min ?? 0;
  for (const right of h.limits) {
    out.push([left, right]);
    left = right;
  }
  return out;
}

/**
 * Value below which `bp` basis points of the values lie, interpolating linearly inside the
 * bucket where that share is reached (values are taken as spread evenly over their bucket).
 */
export function percentile(h: HistogramAt, bp: number): number | null {
  if (h.count === 0 || h.limits.length === 0) return null;
  if (bp <= 0) return h.min;
  if (bp >= 10000) return h.max;
  const target = (h.count * bp) / 10000;
  let seen = 0;
  const e = edges(h);
  for (let b = 0; b < h.counts.length; b++) {
    const c = h.counts[b];
    if (seen + c >= target && c > 0) {
      const [l, r] = e[b];
      const lo = Math.max(l, h.min ?? l);
      const hi = Math.min(r, h.max ?? r);
      return lo + ((target - seen) / c) * (hi - lo);
    }
    seen += c;
  }
  return h.max;
}

export function mean(h: HistogramAt): number | null {
  return h.count && h.sum !== null ? h.sum / h.count : null;
}

export function std(h: HistogramAt): number | null {
  if (!h.count || h.sum === null || h.sumSquares === null) return null;
  const m = h.sum / h.count;
  return Math.sqrt(Math.max(0, h.sumSquares / h.count - m * m));
}

/** About `count` round tick values covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
