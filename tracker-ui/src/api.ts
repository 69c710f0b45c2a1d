import type { GraphNode, HistogramAt, ImageInfo, Run, ScalarsResponse, Sweep, SweepDetail, SweepImportance, TagsResponse, Trial } from './types';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function get<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await fetch(url, { signal });
  if (!r.ok) {
    let message = `${r.status} ${r.statusText}`;
    try {
      message = (await r.json()).error?.message ?? message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(r.status, message);
  }
  return r.json() as Promise<T>;
}

const q = encodeURIComponent;

/** Every run, newest first, fetched page by page; `onPage` sees the runs so far. */
export async function allRuns(onPage?: (runs: Run[]) => void): Promise<Run[]> {
  const runs: Run[] = [];
  let token: string | null = null;
  do {
    const page: { runs: Run[]; nextPageToken: string | null } = await get(
      `api/dashboard/runs?limit=500${token ? '&pageToken=' + q(token) : ''}`,
    );
    runs.push(...page.runs);
    token = page.nextPageToken;
    onPage?.(runs.slice());
  } while (token);
  return runs;
}

export const tags = (runs: string[]) => get<TagsResponse>(`api/dashboard/tags?runs=${runs.map(q).join(',')}`);

export function scalarsUrl(tag: string, runs: string[], opts: { maxPoints?: number; smoothing?: number; fromStep?: number; toStep?: number; format?: string } = {}): string {
  let url = `tag=${q(tag)}&runs=${runs.map(q).join(',')}`;
  if (opts.maxPoints !== undefined) url += `&maxPoints=${opts.maxPoints}`;
  if (opts.smoothing !== undefined) url += `&smoothing=${opts.smoothing}`;
  if (opts.fromStep !== undefined) url += `&fromStep=${Math.floor(opts.fromStep)}`;
  if (opts.toStep !== undefined) url += `&toStep=${Math.ceil(opts.toStep)}`;
  if (opts.format) return `api/dashboard/scalars/export?${url}&format=${opts.format}`;
  return `api/dashboard/scalars?${url}`;
}

export const scalars = (tag: string, runs: string[], opts: Parameters<typeof scalarsUrl>[2], signal?: AbortSignal) =>
  get<ScalarsResponse>(scalarsUrl(tag, runs, opts), signal);

export const images = (run: string, tag: string) =>
  get<{ images: ImageInfo[] }>(`api/runs/${q(run)}/images?tag=${q(tag)}`).then((r) => r.images);

export const imageUrl = (run: string, tag: string, step: number) => `api/runs/${q(run)}/images/png?tag=${q(tag)}&step=${step}`;

export const histograms = (run: string, tag: string) =>
  get<{ histograms: HistogramAt[] }>(`api/runs/${q(run)}/histograms?tag=${q(tag)}`).then((r) => r.histograms);

export const texts = (run: string, tag: string) =>
  get<{ texts: { step: number; wallTime: number; text: string }[] }>(`api/runs/${q(run)}/texts?tag=${q(tag)}`).then((r) => r.texts);

export const graph = (run: string) => get<GraphNode>(`api/runs/${q(run)}/graph`);

export async function saveNotes(run: string, tags: string[], notes: string): Promise<void> {
  const r = await fetch(`api/runs/${q(run)}/notes`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tags, notes }),
  });
  if (!r.ok) throw new ApiError(r.status, (await r.json()).error?.message ?? r.statusText);
}

export async function deleteRun(run: string): Promise<void> {
  const r = await fetch(`api/runs/${q(run)}`, { method: 'DELETE' });
  if (!r.ok) throw new ApiError(r.status, (await r.json()).error?.message ?? r.statusText);
}

export const sweeps = () => get<{ sweeps: Sweep[] }>('api/sweeps?limit=200').then((r) => r.sweeps);

export const sweep = (id: string) => get<SweepDetail>(`api/sweeps/${q(id)}`);

export const sweepTrials = (id: string) => get<{ trials: Trial[] }>(`api/sweeps/${q(id)}/trials`).then((r) => r.trials);

export const sweepImportance = (id: string) => get<SweepImportance>(`api/sweeps/${q(id)}/importance`);

export async function stopSweep(id: string): Promise<void> {
  const r = await fetch(`api/sweeps/${q(id)}/stop`, { method: 'POST' });
  if (!r.ok) throw new ApiError(r.status, (await r.json()).error?.message ?? r.statusText);
}
