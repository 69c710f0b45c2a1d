import uPlot from 'uplot';
import * as api from '../api';
import { app } from '../app';
import { auth } from '../auth';
import { duration, escapeHtml, fmt, when } from '../format';
import { artifactUrl, bytes, chartLinks, describeSource, isTerminal, lastLines, paramRows, splitSeries, statusReason, type Artifact, type ArtifactsResponse, type RunDetail, type SeriesSummary } from '../runPage';
import type { TagsResponse } from '../types';
import './run.css';

const q = encodeURIComponent;
/** Where Cairn's trainer keeps a failed or stopped run's last output lines (ConsoleTail.ARTIFACT). */
const CONSOLE_TAIL = 'logs/console-tail.txt';

async function getJson<T>(url: string): Promise<T> {
  return (await api.request(url)).json() as Promise<T>;
}

/**
 * One run's page (`#/run/ID`): status and why, where it came from, params and spec, tags and notes,
 * final metrics, its `system/*` series as small charts, its artifacts with download links, and
 * links to its charts in the other views. While the run is RUNNING the live stream's events for
 * it reload the page's data.
 */
export function mountRun(main: HTMLElement): () => void {
  const id = app.state.runPage;
  main.innerHTML = `<div class="run-page" data-run="${escapeHtml(id)}"><p class="muted rp-loading">Loading run ${escapeHtml(id)}…</p></div>`;
  const root = main.querySelector<HTMLElement>('.run-page')!;
  let seq = 0;
  let lastStatus = '';
  const charts = new Map<string, uPlot>();
  let timer = 0;

  const load = async () => {
    const s = ++seq;
    try {
      const [run, artifacts, tagsKv, tags] = await Promise.all([
        getJson<RunDetail>(`api/runs/${q(id)}`),
        getJson<ArtifactsResponse>(`api/runs/${q(id)}/artifacts`).then((r) => r.artifacts).catch(() => [] as Artifact[]),
        getJson<{ tags?: Record<string, string> }>(`api/tracking/runs/${q(id)}`).then((r) => r.tags ?? {}).catch(() => ({}) as Record<string, string>),
        api.tags([id]).catch(() => null as TagsResponse | null),
      ]);
      // a failed or stopped Cairn-trained run keeps the last lines of its output as an artifact
      const tailArtifact = isTerminal(run.status) && run.status !== 'FINISHED' ? artifacts.find((a) => a.path === CONSOLE_TAIL) : undefined;
      const tail = tailArtifact ? await api.blob(artifactUrl(id, CONSOLE_TAIL)).then((b) => b.text()).catch(() => '') : '';
      if (s !== seq) return;
      lastStatus = run.status;
      render(run, artifacts, tagsKv, tags, tail);
    } catch (e) {
      if (s !== seq) return;
      root.innerHTML = `<p class="error rp-error">Could not load run ${escapeHtml(id)}: ${escapeHtml((e as Error).message)}</p><p><a href="#/runs">← all runs</a></p>`;
    }
  };

  const render = (run: RunDetail, artifacts: Artifact[], tagsKv: Record<string, string>, tags: TagsResponse | null, tail: string) => {
    document.title = `${run.name} · Cairn`;
    const listed = app.runsById.get(id);
    const { metrics, system } = splitSeries(run.series ?? []);
    const source = describeSource(run, tagsKv);
    const reason = statusReason(run);
    const failed = run.status === 'FAILED' || run.status === 'KILLED';
    const consoleLines = failed ? lastLines(tail, 50) : [];
    const links = chartLinks(id, {
      scalars: tags?.scalars?.[id]?.length ?? metrics.length + system.length,
      images: tags?.images?.[id]?.length ?? 0,
      histograms: tags?.histograms?.[id]?.length ?? 0,
      texts: tags?.texts?.[id]?.length ?? 0,
      graph: tags?.graphs?.includes(id) ?? false,
    });
    const kv = (rows: [string, string][], cls = '') => rows.length
      ? `<table class="kv ${cls}">${rows.map(([k, v]) => `<tr data-key="${escapeHtml(k)}"><td>${escapeHtml(k)}</td><td class="wrap">${escapeHtml(v)}</td></tr>`).join('')}</table>`
      : '<p class="muted">none</p>';
    const provenance = Object.entries(run.provenance ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const metricRow = (m: SeriesSummary) => `<tr data-tag="${escapeHtml(m.tag)}"><td>${escapeHtml(m.tag)}</td><td class="num last">${fmt(m.last)}</td><td class="num">${fmt(m.min)}</td><td class="num">${fmt(m.max)}</td><td class="num steps">${m.count}</td><td class="num">${m.lastStep}</td></tr>`;
    root.innerHTML = `
      <div class="rp-head">
        <a href="#/runs" class="muted" title="All runs">← runs</a>
        <h2 class="rp-name">${escapeHtml(run.name)}</h2>
        <span class="badge s-${escapeHtml(run.status)} rp-status" title="${escapeHtml(run.message ?? run.status)}">${escapeHtml(run.status.toLowerCase())}</span>
        <span class="muted">${escapeHtml(run.experiment)} · id <code>${escapeHtml(run.id)}</code> · ${escapeHtml(source.label)} · owner ${escapeHtml(run.owner ?? 'local')}</span>
      </div>
      ${reason ? `<p class="rp-reason ${failed ? 'failed' : 'muted'}">${escapeHtml(reason)}</p>` : ''}
      ${consoleLines.length ? `<details open><summary>Last ${consoleLines.length} lines of its output</summary><pre class="rp-console">${escapeHtml(consoleLines.join('\n'))}</pre></details>` : ''}
      <nav class="rp-links">${links.map((l) => `<a href="${l.href}" data-view="${l.view}">${escapeHtml(l.label)} →</a>`).join('')}</nav>
      <div class="rp-grid">
        <section class="card rp-overview"><h3>Overview</h3>${kv([
          ['created', when(run.createdAt)], ['started', when(run.startedAt)], ['ended', when(run.endedAt)],
          ['duration', duration(run.durationSeconds)], ['device', run.device], ['seed', String(run.seed)],
          ['source', source.label], ...source.details,
        ])}</section>
        <section class="card rp-metrics"><h3>Final metrics</h3>${metrics.length
          ? `<table class="kv"><thead><tr><th>tag</th><th>last</th><th>min</th><th>max</th><th>points</th><th>step</th></tr></thead><tbody>${metrics.map(metricRow).join('')}</tbody></table>`
          : '<p class="muted">No metrics logged yet.</p>'}</section>
        <section class="card rp-params"><h3>Params</h3>${kv(paramRows(run.params ?? {}))}</section>
        <section class="card rp-tags"><h3>Tags and notes</h3>
          ${listed?.tags?.length ? `<p>${listed.tags.map((t) => `<span class="chip">${escapeHtml(t)}</span>`).join(' ')}</p>` : ''}
          ${kv(Object.entries(tagsKv).sort(([a], [b]) => (a < b ? -1 : 1)), 'rp-kvtags')}
          ${listed?.notes ? `<p class="rp-notes">${escapeHtml(listed.notes)}</p>` : ''}</section>
        <section class="card rp-artifacts"><h3>Artifacts (${artifacts.length})</h3>${artifacts.length
          ? `<table class="kv"><thead><tr><th>path</th><th>size</th><th>source</th><th>sha256</th></tr></thead><tbody>${artifacts.map((a) => `
            <tr data-path="${escapeHtml(a.path)}"><td><a class="download" href="${artifactUrl(id, a.path)}" download="${escapeHtml(a.path.split('/').pop()!)}" title="Download ${escapeHtml(a.path)}">${escapeHtml(a.path)}</a></td>
            <td class="num size">${bytes(a.sizeBytes)}</td><td>${escapeHtml(a.source)}</td><td class="sha" data-sha256="${escapeHtml(a.sha256)}" title="sha256 ${escapeHtml(a.sha256)}">${escapeHtml(a.sha256.slice(0, 12))}…</td></tr>`).join('')}</tbody></table>`
          : '<p class="muted">None. Upload with <code>run.logArtifact(file)</code> or <code>PUT /api/tracking/runs/ID/artifacts/PATH</code>.</p>'}</section>
        <section class="card rp-provenance"><h3>Provenance</h3>${kv(provenance)}</section>
        ${run.specText ? `<section class="card rp-spec-card"><h3>Spec</h3><pre class="rp-spec">${escapeHtml(run.specText)}</pre></section>` : ''}
      </div>
      <section class="rp-system-group"><h3 class="muted">System metrics (${system.length})</h3>${system.length
        ? `<div class="rp-system">${system.map((m) => `<div class="card chart" data-tag="${escapeHtml(m.tag)}"><div class="card-head"><span class="title">${escapeHtml(m.tag)}</span><span class="spacer"></span><span class="muted">${fmt(m.last)}</span></div><div class="plot"></div></div>`).join('')}</div>`
        : '<p class="muted">None recorded for this run (Cairn-trained runs log them every logging.systemEverySeconds).</p>'}</section>`;
    // with a token, a plain link would arrive without it: fetch the file and hand it over as a blob
    for (const a of root.querySelectorAll<HTMLAnchorElement>('a.download')) {
      a.addEventListener('click', (e) => {
        if (!auth.token()) return;
        e.preventDefault();
        void api.blob(a.getAttribute('href')!).then((b) => {
          const link = document.createElement('a');
          link.href = URL.createObjectURL(b);
          link.download = a.download;
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 10000);
        });
      });
    }
    drawSystem(system);
  };

  const drawSystem = (system: SeriesSummary[]) => {
    for (const c of charts.values()) c.destroy();
    charts.clear();
    const css = getComputedStyle(document.documentElement);
    const axis = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.15)';
    const accent = css.getPropertyValue('--accent').trim() || '#5b9bd5';
    for (const m of system) {
      const el = root.querySelector<HTMLElement>(`.rp-system .card[data-tag="${CSS.escape(m.tag)}"] .plot`);
      if (!el) continue;
      void api.scalars(m.tag, [id], { maxPoints: 300, smoothing: 0 }).then((resp) => {
        const line = resp.series[0];
        if (!line || !el.isConnected) return;
        const width = Math.max(220, Math.floor(el.getBoundingClientRect().width));
        const plot = new uPlot({
          width, height: 120, legend: { show: false }, cursor: { show: false }, scales: { x: { time: false } },
          series: [{}, { stroke: accent, width: 1.4, spanGaps: true, points: { show: false } }],
          axes: [{ stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { show: false } },
            { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { show: false }, size: 50, values: (_u, splits) => splits.map((v) => fmt(v)) }],
        }, [line.steps, line.values as (number | null)[]], el);
        charts.set(m.tag, plot);
      }).catch(() => {
        el.textContent = 'could not load';
      });
    }
  };

  const off = app.on((reason, detail) => {
    if (reason === 'live' && (detail as string[]).includes(id)) {
      clearTimeout(timer);
      timer = window.setTimeout(() => void load(), 300);
    } else if (reason === 'runs') {
      // a status change (ended, failed) arrives with the runs list
      const listed = app.runsById.get(id);
      if (listed && lastStatus && listed.status !== lastStatus && !isTerminal(lastStatus)) void load();
    } else if (reason === 'auth') {
      void load();
    }
  });
  void load();
  return () => {
    off();
    clearTimeout(timer);
    seq++;
    for (const c of charts.values()) c.destroy();
  };
}
