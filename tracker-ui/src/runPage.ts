/**
 * The pure logic of the run page (`#/run/ID`): which series are system metrics, where a run came
 * from, why it ended, sizes, and the links to its charts. No DOM here: test/runPage.test.ts.
 */

export interface SeriesSummary {
  tag: string;
  count: number;
  firstStep: number;
  lastStep: number;
  min: number | null;
  max: number | null;
  last: number | null;
}

export interface Artifact {
  runId: string;
  path: string;
  /** the last part of the path */
  name: string;
  kind: string;
  source: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  downloadUrl: string;
}

/** `GET /api/runs/{id}/artifacts` */
export interface ArtifactsResponse {
  runId: string;
  artifacts: Artifact[];
}

/** A run as `GET /api/runs/{id}` answers it (the fields the page reads). */
export interface RunDetail {
  id: string;
  experiment: string;
  name: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  seed: number;
  device: string;
  specHash: string;
  specText: string | null;
  message: string | null;
  source?: string;
  owner?: string;
  provenance: Record<string, string>;
  params: Record<string, string>;
  metrics: Record<string, number | null>;
  series: SeriesSummary[];
}

/** The `system/*` series (CPU, memory, GPU) apart from the training metrics, each sorted by tag. */
export function splitSeries(series: SeriesSummary[]): { metrics: SeriesSummary[]; system: SeriesSummary[] } {
  const byTag = (a: SeriesSummary, b: SeriesSummary) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
  return {
    metrics: series.filter((s) => !isSystem(s.tag)).sort(byTag),
    system: series.filter((s) => isSystem(s.tag)).sort(byTag),
  };
}

export function isSystem(tag: string): boolean {
  return tag.startsWith('system/');
}

const SOURCES: Record<string, string> = {
  'cairn-trainer': 'Cairn trainer',
  'java-client': 'Java client',
  rest: 'REST API',
  mlflow: 'MLflow client',
  'tensorboard-import': 'TensorBoard import',
};

/** Keys in provenance or tags that say more about where a run came from (shown when present). */
export const SOURCE_KEYS = ['source', 'mlflow.source.name', 'mlflow.source.type', 'mlflow.source.git.commit', 'mlflow.user', 'git.commit', 'host', 'user'];

/**
 * Where a run came from, in words: the recorded `source` (Cairn trainer, Java client, REST API,
 * MLflow client), or an MLflow run recognised by its `mlflow.*` tags; plus the keys that say more.
 */
export function describeSource(run: Pick<RunDetail, 'source' | 'provenance'>, tags: Record<string, string>): { label: string; details: [string, string][] } {
  const source = run.source ?? run.provenance?.source ?? 'cairn-trainer';
  const mlflow = source === 'mlflow' || Object.keys(tags).some((k) => k.startsWith('mlflow.')) || Object.keys(run.provenance ?? {}).some((k) => k.startsWith('mlflow'));
  const label = mlflow && source !== 'mlflow' && source !== 'cairn-trainer' ? 'MLflow client' : (SOURCES[source] ?? source);
  const details: [string, string][] = [];
  for (const key of SOURCE_KEYS) {
    const v = tags[key] ?? run.provenance?.[key];
    if (v !== undefined && v !== '' && key !== 'source') details.push([key, v]);
  }
  return { label, details };
}

/** Why a run is in its state, for the page's status line; '' when there is nothing to say. */
export function statusReason(run: Pick<RunDetail, 'status' | 'message'>): string {
  if (run.message) return run.message;
  switch (run.status) {
    case 'QUEUED':
      return 'Waiting for a training slot.';
    case 'RUNNING':
      return 'Training: new points appear as they are logged.';
    case 'FAILED':
      return 'Failed without a message.';
    case 'KILLED':
      return 'Stopped before it finished.';
    default:
      return '';
  }
}

/** The last `n` non-empty-at-the-end lines of a text (console output, a stack trace). */
export function lastLines(text: string | null | undefined, n: number): string[] {
  if (!text) return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - n));
}

/** 0 -> "0 B", 1536 -> "1.5 KiB", 3 GiB -> "3.0 GiB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The artifact's download URL, each path segment percent-encoded. */
export function artifactUrl(runId: string, path: string): string {
  return `api/runs/${encodeURIComponent(runId)}/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Links to the run's charts in the other views, with only this run selected. */
export function chartLinks(runId: string, has: { scalars: number; images: number; histograms: number; texts: number; graph: boolean }): { view: string; label: string; href: string }[] {
  const out: { view: string; label: string; href: string }[] = [];
  const link = (view: string, label: string) => out.push({ view, label, href: `#/${view}?runs=${encodeURIComponent(runId)}` });
  if (has.scalars) link('scalars', `Scalars (${has.scalars})`);
  if (has.images) link('images', `Images (${has.images})`);
  if (has.histograms) link('histograms', `Histograms (${has.histograms})`);
  if (has.texts) link('text', `Text (${has.texts})`);
  if (has.graph) out.push({ view: 'graph', label: 'Graph', href: `#/graph?runs=${encodeURIComponent(runId)}&graph=${encodeURIComponent(runId)}` });
  return out;
}

/** Params as sorted [key, value] rows; Cairn's spec params keep their dotted names. */
export function paramRows(params: Record<string, string>): [string, string][] {
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A terminal status: the page stops expecting updates. */
export function isTerminal(status: string): boolean {
  return status === 'FINISHED' || status === 'FAILED' || status === 'KILLED' || status === 'PRUNED';
}
