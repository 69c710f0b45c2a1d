import { lookup } from './filter';
import { csvField } from './format';
import type { Run } from './types';

/** Params whose value differs between the given runs (the interesting columns), most varied first. */
export function varyingParams(runs: Run[], max = 6, exclude: string[] = []): string[] {
  const values = new Map<string, Set<string>>();
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.params)) {
      if (!values.has(k)) values.set(k, new Set());
      values.get(k)!.add(v);
    }
  }
  return [...values.entries()]
    // long values (paths, URLs) make poor columns and axes
    .filter(([k, vs]) => !exclude.includes(k) && [...vs].every((v) => v.length <= 24))
    .filter(([k, vs]) => vs.size > 1 || runs.some((r) => !(k in r.params)))
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([k]) => k)
    .sort();
}

/** Final metrics worth a column: evaluation accuracy and loss first, then the rest, most common first; system/* last. */
export function keyMetrics(runs: Run[], max = 4): string[] {
  const count = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) count.set(k, (count.get(k) ?? 0) + 1);
  const score = (k: string) =>
    (/(test|validation)[_/]accuracy$/.test(k) ? 0 : /(test|validation)[_/]loss$/.test(k) ? 1 : /train_loss$/.test(k) ? 2 : /accuracy/.test(k) ? 3 : 5) +
    (/samples_per_sec|time_s|\/lr$/.test(k) ? 10 : 0) +
    (/^system\//.test(k) ? 20 : 0); // CPU / memory / GPU series: charts, not a run's result
  return [...count.keys()].sort((a, b) => score(a) - score(b) || count.get(b)! - count.get(a)! || a.localeCompare(b)).slice(0, max);
}

/** Sort key -> comparable value. Keys: name, experiment, status, createdAt, duration, device, param:K, metric:K. */
function sortValue(run: Run, key: string): string | number | null {
  switch (key) {
    case 'name': return run.name.toLowerCase();
    case 'experiment': return run.experiment.toLowerCase();
    case 'status': return run.status;
    case 'createdAt': return run.createdAt;
    case 'duration': return run.durationSeconds;
    case 'device': return run.device;
    case 'owner': return run.owner ?? null;
  }
  if (key.startsWith('param:')) {
    const v = run.params[key.slice(6)];
    if (v === undefined) return null;
    const n = Number(v);
    return Number.isNaN(n) ? v : n;
  }
  if (key.startsWith('metric:')) return run.metrics[key.slice(7)] ?? null;
  const v = lookup(run, key);
  return v === undefined ? null : v;
}

/** Sorts by `sort` (`-` prefix = descending); runs without a value go last either way. */
export function sortRuns(runs: Run[], sort: string): Run[] {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  return runs
    .map((r) => ({ r, v: sortValue(r, key) }))
    .sort((a, b) => {
      if (a.v === null && b.v === null) return 0;
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return desc ? -c : c;
    })
    .map((x) => x.r);
}

/** Groups runs by experiment, status or a param, keeping their order; '' = one group. */
export function groupRuns(runs: Run[], group: string): [string, Run[]][] {
  if (!group) return [['', runs]];
  const out = new Map<string, Run[]>();
  for (const r of runs) {
    const k = group === 'experiment' ? r.experiment : group === 'owner' ? `owner ${r.owner ?? 'local'}` : group === 'status' ? r.status
      : `${group.replace(/^param:/, '')} = ${r.params[group.replace(/^param:/, '')] ?? '(none)'}`;
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(r);
  }
  return [...out.entries()];
}

/** The HParams table as CSV: one row per run, its params and final metrics. */
export function hparamsCsv(runs: Run[], params: string[], metrics: string[]): string {
  const head = ['run_id', 'name', 'experiment', 'status', ...params, ...metrics].map(csvField).join(',');
  const rows = runs.map((r) => [r.id, r.name, r.experiment, r.status, ...params.map((p) => r.params[p] ?? ''), ...metrics.map((m) => r.metrics[m] ?? '')].map(csvField).join(','));
  return [head, ...rows].join('\n') + '\n';
}
