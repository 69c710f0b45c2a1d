import { auth, type Me } from './auth';
import type { GraphNode, HistogramsResponse, ImagesResponse, Run, ScalarsResponse, SweepDetail, SweepImportance, SweepsResponse, TagsResponse, TextsResponse, TrialsResponse } from './types';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The error sentence of a JSON error body (`{"error": "..."}` or `{"error": {"message": "..."}}`). */
async function errorMessage(r: Response): Promise<string> {
  let message = `${r.status} ${r.statusText}`;
  try {
    const body = await r.json();
    const e = body?.error;
    message = (typeof e === 'string' ? e : e?.message) ?? message;
  } catch {
    /* not JSON */
  }
  return message;
}

/**
 * The dashboard's one way to reach the server: adds the token and, on state-changing methods,
 * the CSRF marker; a 401 tells `auth` (which asks for a token) and fails the call.
 */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(auth.headers(method))) headers.set(k, v);
  const r = await fetch(url, { ...init, method, headers });
  if (r.status === 401) {
    auth.unauthenticated();
    throw new ApiError(401, await errorMessage(r));
  }
  if (!r.ok) throw new ApiError(r.status, await errorMessage(r));
  return r;
}

async function get<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await request(url, { signal });
  return r.json() as Promise<T>;
}

/** What the server says about the current token; never fails on 401 (the route is always open). */
export async function me(url = 'api/auth/me'): Promise<Me> {
  const r = await fetch(url, { headers: auth.headers('GET') });
  if (r.status === 404) {
    // a server from before authentication: everything is open
    return { authRequired: false, publicRead: false, authenticated: true, name: 'local', scope: 'admin' };
  }
  if (!r.ok) throw new ApiError(r.status, await errorMessage(r));
  return r.json() as Promise<Me>;
}

/** A file the server sends (an image, an export) as a blob, fetched with the token. */
export async function blob(url: string): Promise<Blob> {
  return (await request(url)).blob();
}

const q = encodeURIComponent;

/** `GET /api/dashboard/runs`: a page of runs. */
export interface RunsPage {
  runs: Run[];
  /** runs the filter matches */
  matching: number;
  /** runs in the store */
  total: number;
  /** the index of the page's first run among those matching */
  offset: number;
  nextPageToken: string | null;
}

/** `GET /api/dashboard/runs?ids=...`: those of the runs that exist. */
export interface RunsByIds {
  runs: Run[];
  nextPageToken: null;
}

/** Rows of runs received so far (tests and the benchmark read it as `window.cairnRunsFetched`). */
let fetchedRows = 0;
function counted<T extends { runs: Run[] }>(page: T): T {
  fetchedRows += page.runs.length;
  (window as unknown as { cairnRunsFetched: number }).cairnRunsFetched = fetchedRows;
  return page;
}

/** One page of runs, filtered (the filter language of filter.ts) and sorted on the server. */
export async function runsPage(opts: { q?: string; sort?: string; owner?: string; offset?: number; limit?: number }, signal?: AbortSignal): Promise<RunsPage> {
  let url = `api/dashboard/runs?limit=${opts.limit ?? 100}&offset=${opts.offset ?? 0}`;
  if (opts.q) url += `&q=${q(opts.q)}`;
  if (opts.sort) url += `&sort=${q(opts.sort)}`;
  if (opts.owner) url += `&owner=${q(opts.owner)}`;
  return counted(await get<RunsPage>(url, signal));
}

/** These runs (those that exist), at most 200 per request. */
export async function runsByIds(ids: string[]): Promise<Run[]> {
  const out: Run[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const page = counted(await get<RunsByIds>(`api/dashboard/runs?ids=${ids.slice(i, i + 200).map(q).join(',')}`));
    out.push(...page.runs);
  }
  return out;
}

/** The runs table as a file: every run the filter matches, in the table's order. */
export function runsExportUrl(format: 'csv' | 'json', opts: { q?: string; sort?: string; owner?: string }): string {
  let url = `api/dashboard/runs/export?format=${format}`;
  if (opts.q) url += `&q=${q(opts.q)}`;
  if (opts.sort) url += `&sort=${q(opts.sort)}`;
  if (opts.owner) url += `&owner=${q(opts.owner)}`;
  return url;
}

/** The selected runs in full (params, final metrics, every point) as a file. */
export const selectedExportUrl = (format: 'csv' | 'json', runs: string[]) => `api/dashboard/export?format=${format}&runs=${runs.map(q).join(',')}`;

/** Downloads a file the server sends, with the token when there is one. */
export async function download(url: string, name: string): Promise<void> {
  const b = await blob(url);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(b);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

const tagsUrl = (runs: string[], base: string) => `${base}api/dashboard/tags?runs=${runs.map(q).join(',')}`;

/** Tag lists asked for before the page knew whether it may ask (see `prefetchTags`), by URL. */
const early = new Map<string, Promise<TagsResponse | null>>();

/**
 * Asks for these runs' tags now, beside `/api/auth/me` rather than after it (a deep link to Scalars):
 * `tags` then takes this answer. A failed or refused one is dropped quietly, and `tags` asks again
 * the ordinary way, so a missing token is reported once, by the sign-in flow.
 */
export function prefetchTags(runs: string[], base = ''): void {
  const url = tagsUrl(runs, base);
  early.set(url, fetch(url, { headers: auth.headers('GET') })
    .then((r) => (r.ok ? (r.json() as Promise<TagsResponse>) : null))
    .catch(() => null));
  // not taken within a few seconds (the view changed): ask afresh when it is needed
  setTimeout(() => early.delete(url), 5000);
}

/** The runs' tags by kind; `base` (tests) is the server's address ending in a slash. */
export function tags(runs: string[], base = ''): Promise<TagsResponse> {
  const url = tagsUrl(runs, base);
  const ahead = early.get(url);
  early.delete(url);
  return ahead ? ahead.then((t) => t ?? get<TagsResponse>(url)) : get<TagsResponse>(url);
}

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
  get<ImagesResponse>(`api/runs/${q(run)}/images?tag=${q(tag)}`).then((r) => r.images);

export const imageUrl = (run: string, tag: string, step: number) => `api/runs/${q(run)}/images/png?tag=${q(tag)}&step=${step}`;

export const histograms = (run: string, tag: string) =>
  get<HistogramsResponse>(`api/runs/${q(run)}/histograms?tag=${q(tag)}`).then((r) => r.histograms);

export const texts = (run: string, tag: string) =>
  get<TextsResponse>(`api/runs/${q(run)}/texts?tag=${q(tag)}`).then((r) => r.texts);

export const graph = (run: string) => get<GraphNode>(`api/runs/${q(run)}/graph`);

export async function saveNotes(run: string, tags: string[], notes: string): Promise<void> {
  await request(`api/runs/${q(run)}/notes`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tags, notes }),
  });
}

export async function deleteRun(run: string): Promise<void> {
  await request(`api/runs/${q(run)}`, { method: 'DELETE' });
}

export const sweeps = () => get<SweepsResponse>('api/sweeps?limit=200').then((r) => r.sweeps);

export const sweep = (id: string) => get<SweepDetail>(`api/sweeps/${q(id)}`);

export const sweepTrials = (id: string) => get<TrialsResponse>(`api/sweeps/${q(id)}/trials`).then((r) => r.trials);

export const sweepImportance = (id: string) => get<SweepImportance>(`api/sweeps/${q(id)}/importance`);

export async function stopSweep(id: string): Promise<void> {
  await request(`api/sweeps/${q(id)}/stop`, { method: 'POST' });
}
