/**
 * Puts several runs' lines on one shared x axis, as uPlot wants: the sorted union of their x
 * values, and per run its values at those x (null where it has no point; the chart bridges gaps).
 */
export function joinSeries(xs: number[][], ys: (number | null)[][][]): { x: number[]; ys: (number | null)[][][] } {
  const all: number[] = [];
  for (const x of xs) for (const v of x) all.push(v);
  all.sort((a, b) => a - b);
  const x: number[] = [];
  for (const v of all) if (x.length === 0 || x[x.length - 1] !== v) x.push(v);
  const index = new Map<number, number>();
  x.forEach((v, i) => index.set(v, i));
  const out = ys.map((lines, k) =>
    lines.map((line) => {
      const aligned: (number | null)[] = new Array(x.length).fill(null);
      xs[k].forEach((v, i) => {
        aligned[index.get(v)!] = line[i];
      });
      return aligned;
    }),
  );
  return { x, ys: out };
}

/** Index of the point of `xs` (ascending) nearest to `x`. */
export function nearest(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
  return lo;
}
