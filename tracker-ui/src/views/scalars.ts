import uPlot from 'uplot';
import * as api from '../api';
import { app } from '../app';
import { auth } from '../auth';
import { axisSize, groupKey, groupStats, integerIncrs, robustRange, tickLabels } from '../chartMath';
import { alpha, groupColor, runColor } from '../colors';
import { duration, escapeHtml, fmt } from '../format';
import { joinSeries, nearest } from '../join';
import { debiasedEma } from '../smoothing';
import type { ChartSeries, ScalarsResponse } from '../types';

/**
 * Points per run a chart asks for: fewer when many runs share it (about 20,000 per chart, at least
 * 100 per run: 200 runs of min/max pairs in 50 buckets are still finer than a chart's pixels).
 */
export function pointsPerRun(runs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(20000 / Math.max(1, runs))));
}

/**
 * Above this many runs a smoothed chart draws the smoothed lines only: 200 faint raw lines under
 * 200 smoothed ones doubled the drawing and hid each other; the legend and tooltip still show every
 * raw value. The y axis then spans the smoothed values.
 */
export const RAW_LINES_MAX = 20;

/** Rows the tooltip lists: the runs nearest the cursor's value; the legend scrolls. */
const TOOLTIP_ROWS = 12;

/**
 * Legend rows built before the legend is scrolled: its box shows about six, and 200 rows per chart
 * (rebuilt on every cursor move) cost more layout than the chart itself.
 */
const LEGEND_FIRST = 40;

/** One group of runs drawn as its mean with a band (Scalars grouped by a param or tag). */
interface Group {
  key: string;
  color: string;
  runs: string[];
  x: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

interface Line {
  runId: string;
  x: number[];
  steps: number[];
  wall: number[];
  values: (number | null)[];
  smoothed: (number | null)[];
}

/**
 * Charts on screen load first: one that only nears the screen waits until every on-screen chart
 * that is loading has drawn, so that its request, answer and drawing do not hold theirs up.
 */
const loading = { onScreen: 0, waiting: new Set<ScalarChart>() };

function inViewport(r: DOMRectReadOnly): boolean {
  return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}

/** One chart card: a tag, all selected runs overlaid. */
class ScalarChart {
  readonly el: HTMLElement;
  private plotEl: HTMLElement;
  private legendEl: HTMLElement;
  private tooltip: HTMLElement;
  private plot: uPlot | null = null;
  private resp: ScalarsResponse | null = null;
  private lines: Line[] = [];
  private window: [number, number] | null = null;
  private seq = 0;
  private structure = '';
  private resize: ResizeObserver;
  private io: IntersectionObserver;
  private visible = false;
  /** In the viewport itself, not only in the margin where charts load ahead. */
  private onScreen = false;
  private stale = false;
  private groups: Group[] = [];
  private yRange: [number, number] | null = null;
  /** The plot area's width as the ResizeObserver last saw it (reading it would force a layout). */
  private width = 0;
  /** Every legend row, once the legend was scrolled; the cursor's x the legend shows. */
  private legendAll = false;
  private legendX: number | null = null;

  constructor(readonly tag: string, private runs: string[]) {
    this.el = document.createElement('div');
    this.el.className = 'card chart';
    this.el.dataset.tag = tag;
    this.el.innerHTML = `
      <div class="card-head">
        <span class="titles"><span class="title" title="${escapeHtml(tag)}">${escapeHtml(tag)}</span>
        <span class="sub muted"></span></span>
        <span class="spacer"></span>
        <button class="icon pin" title="Pin this chart to the top">☆</button>
        <button class="icon reset" title="Reset zoom (or double-click the chart)">⟲</button>
        <a class="btn csv" download title="Download every point of these runs as CSV (step, wall time, value, smoothed)">CSV</a>
        <a class="btn json" download title="Download every point of these runs as JSON">JSON</a>
        <button class="icon expand" title="Widen this chart">⤢</button>
      </div>
      <div class="plot"><div class="tooltip" hidden></div><div class="chart-msg muted">loading…</div></div>
      <div class="legend-wrap"><table class="legend"><thead><tr><th></th><th class="legend-what">run</th><th title="Smoothed value">smoothed</th><th>value</th><th>step</th><th title="Time since the run started">relative</th></tr></thead><tbody></tbody></table></div>`;
    this.plotEl = this.el.querySelector('.plot')!;
    this.legendEl = this.el.querySelector('.legend tbody')!;
    this.tooltip = this.el.querySelector('.tooltip')!;
    this.el.querySelector('.legend-wrap')!.addEventListener('scroll', () => {
      if (this.legendAll) return;
      this.legendAll = true;
      this.renderLegend(this.legendX);
    }, { passive: true });
    this.el.querySelector('.pin')!.addEventListener('click', () => {
      const pinned = app.state.pinned.includes(tag) ? app.state.pinned.filter((t) => t !== tag) : [...app.state.pinned, tag];
      app.set({ pinned });
    });
    this.el.querySelector('.reset')!.addEventListener('click', () => this.resetZoom());
    this.el.querySelector('.expand')!.addEventListener('click', () => {
      this.el.classList.toggle('wide');
      this.sizeToFit();
    });
    // with a token, a plain link would arrive without it: fetch the file and hand it over as a blob
    for (const a of this.el.querySelectorAll<HTMLAnchorElement>('a.csv, a.json')) {
      a.addEventListener('click', (e) => {
        if (!auth.token()) return;
        e.preventDefault();
        void api.blob(a.href).then((b) => {
          const link = document.createElement('a');
          link.href = URL.createObjectURL(b);
          link.download = `${this.tag.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${a.classList.contains('csv') ? 'csv' : 'json'}`;
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 10000);
        });
      });
    }
    this.resize = new ResizeObserver((entries) => {
      const w = entries[entries.length - 1]?.contentRect.width;
      if (w) this.width = Math.floor(w);
      this.sizeToFit();
    });
    this.resize.observe(this.plotEl);
    // a chart fetches its points when it nears the screen: 200 runs x many tags stay cheap
    this.io = new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      this.visible = e.isIntersecting;
      this.onScreen = e.isIntersecting && inViewport(e.boundingClientRect);
      if (this.visible && this.stale) {
        this.stale = false;
        this.loadSoon();
      }
    }, { rootMargin: '400px' });
    this.io.observe(this.el);
    this.updateLinks();
  }

  /** Loads now when on screen, else when it comes into view. */
  requestLoad(): void {
    if (this.visible) this.loadSoon();
    else this.stale = true;
  }

  /**
   * A chart put on the page loads at once if it is on screen, without waiting a frame for the
   * IntersectionObserver (which still decides for the others).
   */
  loadIfOnScreen(): void {
    if (!this.stale || !inViewport(this.el.getBoundingClientRect())) return;
    this.visible = this.onScreen = true;
    this.stale = false;
    void this.load();
  }

  /** Loads now, unless it is only near the screen while charts on screen are still loading. */
  private loadSoon(): void {
    if (this.onScreen || loading.onScreen === 0) void this.load();
    else loading.waiting.add(this);
  }

  get runIds(): string[] {
    return this.runs;
  }

  destroy(): void {
    loading.waiting.delete(this);
    this.resize.disconnect();
    this.io.disconnect();
    this.plot?.destroy();
    this.el.remove();
  }

  setRuns(runs: string[]): void {
    this.runs = runs;
    this.updateLinks();
    this.requestLoad();
  }

  private updateLinks(): void {
    const opts = { smoothing: app.state.smoothing };
    this.el.querySelector<HTMLAnchorElement>('.csv')!.href = api.scalarsUrl(this.tag, this.runs, { ...opts, format: 'csv' });
    this.el.querySelector<HTMLAnchorElement>('.json')!.href = api.scalarsUrl(this.tag, this.runs, { ...opts, format: 'json' });
    this.el.querySelector('.pin')!.textContent = app.state.pinned.includes(this.tag) ? '★' : '☆';
  }

  /** Fetches the runs' points (in the zoom window, if any) and redraws. */
  async load(): Promise<void> {
    const seq = ++this.seq;
    if (this.runs.length === 0) return;
    loading.waiting.delete(this);
    const first = this.onScreen;
    if (first) loading.onScreen++;
    try {
      const resp = await api.scalars(this.tag, this.runs, {
        maxPoints: pointsPerRun(this.runs.length),
        smoothing: app.state.smoothing,
        fromStep: this.window && app.state.x === 'step' ? this.window[0] : undefined,
        toStep: this.window && app.state.x === 'step' ? this.window[1] : undefined,
      });
      if (seq !== this.seq) return;
      this.resp = resp;
      this.draw();
    } catch (e) {
      if (seq === this.seq) this.message(`Could not load: ${(e as Error).message}`);
    } finally {
      if (first && --loading.onScreen === 0) {
        for (const c of [...loading.waiting]) {
          loading.waiting.delete(c);
          if (c.visible) void c.load();
          else c.stale = true;
        }
      }
    }
  }

  /** New smoothing: recomputed here when the chart holds full series, else fetched again. */
  smoothingChanged(): void {
    this.updateLinks();
    if (!this.resp) return this.requestLoad();
    const full = this.resp && this.resp.series.every((s) => !s.downsampled && s.windowPoints === s.totalPoints);
    if (this.resp && full) {
      for (const s of this.resp.series) s.smoothed = debiasedEma(s.values, app.state.smoothing);
      this.resp.smoothing = app.state.smoothing;
      this.draw();
    } else {
      this.requestLoad();
    }
  }

  redraw(): void {
    this.structure = '';
    this.updateLinks();
    this.draw();
  }

  private message(text: string | null): void {
    const msg = this.plotEl.querySelector<HTMLElement>('.chart-msg')!;
    msg.textContent = text ?? '';
    msg.hidden = !text;
  }

  private xOf(s: ChartSeries): number[] {
    if (app.state.x === 'step') return s.steps;
    if (app.state.x === 'wall') return s.wallTimes.map((w) => w / 1000);
    const run = app.runsById.get(s.runId);
    const start = run?.startedAt ? Date.parse(run.startedAt) : s.wallTimes[0] ?? 0;
    return s.wallTimes.map((w) => (w - start) / 1000);
  }

  private draw(): void {
    if (!this.resp) return;
    const resp = this.resp;
    const logY = app.state.logY;
    const pos = (v: number | null) => (v === null || (logY && v <= 0) ? null : v);
    this.lines = resp.series.map((s) => ({
      runId: s.runId,
      x: this.xOf(s),
      steps: s.steps,
      wall: s.wallTimes,
      values: s.values.map(pos),
      smoothed: s.smoothed.map(pos),
    }));
    const points = resp.series.reduce((n, s) => n + s.totalPoints, 0);
    const sampled = resp.series.some((s) => s.downsampled);
    this.el.querySelector('.sub')!.textContent = resp.series.length === 0 ? '' :
      `${resp.series.length} run${resp.series.length > 1 ? 's' : ''} · ${points.toLocaleString()} points${sampled ? ' (min/max sampled)' : ''}`;
    if (this.lines.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      this.structure = '';
      this.legendEl.innerHTML = '';
      this.message('None of the selected runs has this metric.');
      return;
    }
    this.message(null);
    const smooth = resp.smoothing > 0;
    const raw = !smooth || this.lines.length <= RAW_LINES_MAX;
    this.groups = app.state.chartGroup ? this.makeGroups(smooth) : [];
    let data: uPlot.AlignedData;
    let ys: (number | null)[][];
    if (this.groups.length) {
      const band = this.groups.map((g) => [g.lo, g.hi, g.mean]);
      const joined = joinSeries(this.groups.map((g) => g.x), band);
      ys = joined.ys.flat();
      data = [joined.x, ...ys] as uPlot.AlignedData;
    } else {
      // each run on its own x (uPlot's faceted mode): no union of every run's steps padded with
      // nulls, which cost more than the drawing at 200 runs whose min/max samples fall on
      // different steps
      const per = this.lines.map((l) => (!smooth ? [l.values] : raw ? [l.values, l.smoothed] : [l.smoothed]));
      ys = per.flat();
      data = [null, ...per.flatMap((lines, k) => lines.map((y) => [this.lines[k].x, y]))] as unknown as uPlot.AlignedData;
    }
    this.yRange = app.state.robust && !logY ? robustRange(ys.flat()) : null;
    const structure = [app.state.x, logY, smooth, raw, this.groups.length > 0, app.state.robust, app.state.chartGroup, app.state.band, document.documentElement.dataset.theme,
      ...(this.groups.length ? this.groups.map((g) => g.key + g.color) : this.lines.map((l) => l.runId + runColor(l.runId) + (l.x.length < 3)))].join('|');
    if (this.plot && structure === this.structure) {
      const keep = this.window !== null;
      const sx = this.plot.scales.x;
      this.plot.setData(data, !keep);
      if (keep && sx.min !== undefined && sx.max !== undefined && app.state.x !== 'step') this.plot.setScale('x', { min: sx.min, max: sx.max });
    } else {
      this.structure = structure;
      this.plot?.destroy();
      this.plot = new uPlot(this.options(smooth, logY, raw), data, this.plotEl);
    }
    this.renderLegend(null);
  }

  private options(smooth: boolean, logY: boolean, raw: boolean): uPlot.Options {
    const { axisColor, gridColor } = themeColors();
    const series: uPlot.Series[] = [{ label: app.state.x }];
    const bands: uPlot.Band[] = [];
    for (const g of this.groups) {
      const i = series.length;
      series.push({ label: `${g.key} (low)`, stroke: alpha(g.color, 0.35), width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: `${g.key} (high)`, stroke: alpha(g.color, 0.35), width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: g.key, stroke: g.color, width: 2, spanGaps: true, points: { show: g.x.length < 3, size: 6 } });
      bands.push({ series: [i + 1, i], fill: alpha(g.color, 0.16) });
    }
    // many lines are drawn 1 px wide: a wide line costs about four times as much to draw (200 runs:
    // most of a chart's drawing) and 200 wide lines hide each other
    const thin = this.lines.length > RAW_LINES_MAX;
    for (const l of this.groups.length ? [] : this.lines) {
      const c = runColor(l.runId);
      const name = app.runName(l.runId);
      // a line of one or two points is no line: draw its points, or it is invisible yet stretches the axis
      const few = l.x.length < 3;
      if (smooth) {
        if (raw) series.push({ label: `${name} (raw)`, stroke: alpha(c, 0.28), width: 1, spanGaps: true, points: { show: false } });
        series.push({ label: name, stroke: c, width: thin ? 1 : 2, spanGaps: true, points: { show: few, size: 6, fill: c, filter: facetPoints } });
      } else {
        series.push({ label: name, stroke: c, width: thin ? 1 : 1.6, spanGaps: true, points: { show: few ? true : pointsFit, size: few ? 6 : 4, filter: facetPoints } });
      }
    }
    const xAxis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    if (app.state.x === 'relative') xAxis.values = (_u, splits) => splits.map((v) => duration(v));
    // steps and epochs are whole numbers: no 1.25 or 1.5 ticks
    if (app.state.x === 'step') {
      xAxis.incrs = integerIncrs();
      xAxis.values = (_u, splits) => tickLabels(splits);
    }
    const width = this.width || this.plotEl.getBoundingClientRect().width;
    return {
      width: Math.max(200, Math.floor(width)),
      height: 220,
      series,
      bands,
      legend: { show: false },
      // per-run lines: faceted (each series its own x); a group's mean and band: one shared x
      mode: (this.groups.length ? 1 : 2) as uPlot.Mode,
      scales: {
        // faceted, the x scale would be padded like y: span the data exactly, as on a shared x
        x: { time: app.state.x === 'wall', range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) },
        y: logY ? { distr: 3 } : { range: (_u, min, max) => this.yRange ?? uPlot.rangeNum(min, max, 0.1, true) },
      },
      axes: [
        xAxis,
        {
          stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor },
          // as wide as its longest label: 150000 shows as 150k, never clipped to .50000
          size: (_u, values) => axisSize(values ?? []),
          values: (_u, splits) => (logY ? splits.map((v) => fmt(v)) : tickLabels(splits)),
        },
      ],
      cursor: {
        drag: { x: true, y: false },
        // a dot on every line at the cursor, up to 20 lines (200 dots were clutter, and DOM to move)
        points: { size: 6, show: this.groups.length > 0 || this.lines.length <= RAW_LINES_MAX },
        // faceted: the point of each line nearest the cursor's x (uPlot's own scan reads a shared x)
        ...(this.groups.length ? {} : {
          dataIdx: (u: uPlot, si: number) => {
            if (si === 0 || u.cursor.left === undefined || u.cursor.left < 0) return null as unknown as number;
            const i = nearest(facetX(u, si), u.posToVal(u.cursor.left, 'x'));
            return (i < 0 ? null : i) as number;
          },
        }),
      },
      hooks: {
        setCursor: [(u) => this.onCursor(u)],
        setSelect: [(u) => this.onSelect(u)],
        ready: [(u) => u.over.addEventListener('dblclick', (e) => { e.stopPropagation(); this.resetZoom(); }, true)],
      },
    };
  }

  private onSelect(u: uPlot): void {
    if (u.select.width < 4) return;
    const min = u.posToVal(u.select.left, 'x');
    const max = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.window = [min, max];
    u.setScale('x', { min, max });
    // step axis: fetch the window again so that the zoomed part shows more detail
    if (app.state.x === 'step' && this.resp?.series.some((s) => s.downsampled)) void this.load();
  }

  private resetZoom(): void {
    const had = this.window;
    this.window = null;
    if (had && app.state.x === 'step' && this.resp?.series.some((s) => s.windowPoints < s.totalPoints)) {
      this.structure = '';
      void this.load();
    } else if (this.plot) {
      const xs = this.groups.length ? [this.plot.data[0]] : this.lines.map((l) => l.x);
      const min = Math.min(...xs.filter((x) => x.length).map((x) => x[0]));
      const max = Math.max(...xs.filter((x) => x.length).map((x) => x[x.length - 1]));
      if (min <= max) this.plot.setScale('x', { min, max });
    }
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left ?? -1;
    // faceted, uPlot keeps no shared index: the cursor is off the plot when left < 0
    if (left < 0 || (this.groups.length && (u.cursor.idx === null || u.cursor.idx === undefined))) {
      this.tooltip.hidden = true;
      // the legend shows the last values already unless the cursor moved it
      if (this.legendX !== null) this.renderLegend(null);
      return;
    }
    const x = u.posToVal(left, 'x');
    this.renderLegend(x);
    if (this.groups.length) return this.groupTooltip(u, x, left);
    const rows = this.lines
      .map((l) => {
        const i = nearest(l.x, x);
        return { l, i, sm: i < 0 ? null : l.smoothed[i], v: i < 0 ? null : l.values[i] };
      })
      .filter((r) => r.i >= 0)
      .sort((a, b) => (b.sm ?? -Infinity) - (a.sm ?? -Infinity));
    const smooth = (this.resp?.smoothing ?? 0) > 0;
    // at most TOOLTIP_ROWS runs: those nearest the cursor's value
    const cy = u.cursor.top !== undefined && u.cursor.top >= 0 ? u.posToVal(u.cursor.top, 'y') : null;
    const val = (r: (typeof rows)[number]) => (smooth ? r.sm : r.v) ?? NaN;
    const shown = cy === null || rows.length <= TOOLTIP_ROWS ? rows.slice(0, TOOLTIP_ROWS)
      : [...rows].sort((a, b) => Math.abs(val(a) - cy) - Math.abs(val(b) - cy)).slice(0, TOOLTIP_ROWS).sort((a, b) => val(b) - val(a));
    const more = rows.length - shown.length;
    this.tooltip.innerHTML = `<div class="tt-head">${this.xLabel(x)}</div><table>${shown
      .map((r) => `<tr><td><span class="swatch" style="background:${runColor(r.l.runId)}"></span></td><td class="tt-name">${escapeHtml(app.runName(r.l.runId))}</td><td class="num">${fmt(smooth ? r.sm : r.v)}</td>${smooth ? `<td class="num muted">${fmt(r.v)}</td>` : ''}<td class="num muted">step ${r.l.steps[r.i]}</td></tr>`)
      .join('')}</table>${more > 0 ? `<div class="muted">${more} more runs: the nearest ${shown.length} are listed</div>` : ''}`;
    this.place(u, left);
  }

  private groupTooltip(u: uPlot, x: number, left: number): void {
    const idx = u.cursor.idx ?? 0;
    const rows = this.groups.map((g, k) => ({ g, mean: u.data[1 + 3 * k + 2][idx], lo: u.data[1 + 3 * k][idx], hi: u.data[1 + 3 * k + 1][idx] }));
    const band = app.state.band === 'std' ? '±std' : 'min – max';
    this.tooltip.innerHTML = `<div class="tt-head">${this.xLabel(x)}</div><table>${rows.slice(0, TOOLTIP_ROWS)
      .map((r) => `<tr><td><span class="swatch" style="background:${r.g.color}"></span></td><td class="tt-name">${escapeHtml(r.g.key)} <span class="muted">(${r.g.runs.length})</span></td><td class="num">${fmt(r.mean)}</td><td class="num muted">${band} ${fmt(r.lo)} – ${fmt(r.hi)}</td></tr>`)
      .join('')}</table>${rows.length > TOOLTIP_ROWS ? `<div class="muted">${rows.length - TOOLTIP_ROWS} more groups</div>` : ''}`;
    this.place(u, left);
  }

  private place(u: uPlot, left: number): void {
    this.tooltip.hidden = false;
    const plotWidth = this.plotEl.clientWidth;
    const tw = this.tooltip.offsetWidth;
    const px = left + u.over.offsetLeft;
    this.tooltip.style.left = `${px + 16 + tw > plotWidth ? Math.max(0, px - tw - 16) : px + 16}px`;
    this.tooltip.style.top = `${Math.max(0, (u.cursor.top ?? 0) - 10)}px`;
  }

  private xLabel(x: number): string {
    if (app.state.x === 'step') return `step ${Math.round(x)}`;
    if (app.state.x === 'wall') return new Date(x * 1000).toLocaleString();
    return `${duration(x)} after start`;
  }

  /** Values at the cursor's x, or the last values when the cursor is elsewhere. */
  private renderLegend(x: number | null): void {
    this.legendX = x;
    const smooth = (this.resp?.smoothing ?? 0) > 0;
    this.el.querySelector('.legend-what')!.textContent = this.groups.length ? 'group (runs)' : 'run';
    if (this.groups.length) {
      this.legendEl.innerHTML = this.groups.map((g) => {
        const i = x === null ? lastIndex(g.mean) : nearest(g.x, x);
        return `<tr data-group="${escapeHtml(g.key)}"><td><span class="swatch" style="background:${g.color}"></span></td>
          <td class="name" title="${escapeHtml(g.runs.map((id) => app.runName(id)).join(', '))}">${escapeHtml(g.key)} <span class="muted">(${g.runs.length})</span></td>
          <td class="num smoothed">${i < 0 ? '–' : fmt(g.mean[i])}</td>
          <td class="num value muted">${i < 0 ? '–' : fmt(g.lo[i]) + ' – ' + fmt(g.hi[i])}</td>
          <td class="num step">${i < 0 ? '–' : g.x[i]}</td><td></td></tr>`;
      }).join('');
      return;
    }
    const all = this.legendAll || this.lines.length <= LEGEND_FIRST;
    const rest = all ? 0 : this.lines.length - LEGEND_FIRST;
    this.legendEl.innerHTML = (all ? this.lines : this.lines.slice(0, LEGEND_FIRST))
      .map((l) => {
        const i = x === null ? l.x.length - 1 : nearest(l.x, x);
        const run = app.runsById.get(l.runId);
        const start = run?.startedAt ? Date.parse(run.startedAt) : l.wall[0];
        return `<tr data-run="${l.runId}"><td><span class="swatch" style="background:${runColor(l.runId)}"></span></td>
          <td class="name" title="${escapeHtml(run ? run.experiment + '/' + run.name + ' · ' + run.id : l.runId)}">${escapeHtml(app.runName(l.runId))}</td>
          <td class="num smoothed">${i < 0 ? '–' : fmt(smooth ? l.smoothed[i] : l.values[i])}</td>
          <td class="num value">${i < 0 ? '–' : fmt(l.values[i])}</td>
          <td class="num step">${i < 0 ? '–' : l.steps[i]}</td>
          <td class="num">${i < 0 ? '–' : duration((l.wall[i] - start) / 1000)}</td></tr>`;
      })
      .join('') + (rest ? `<tr class="legend-more"><td></td><td colspan="5" class="muted">${rest} more runs: scroll</td></tr>` : '');
  }

  /** The selected runs grouped by the chosen param or tag: per group its mean and band on the chart's x. */
  private makeGroups(smooth: boolean): Group[] {
    const byKey = new Map<string, Line[]>();
    for (const l of this.lines) {
      const run = app.runsById.get(l.runId);
      const key = run ? groupKey(run, app.state.chartGroup) : '(loading)';
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push(l);
    }
    const keys = [...byKey.keys()].sort((a, b) => {
      const na = Number(a);
      const nb = Number(b);
      return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
    });
    return keys.map((key, i) => {
      const lines = byKey.get(key)!;
      const st = groupStats(lines.map((l) => l.x), lines.map((l) => (smooth ? l.smoothed : l.values)));
      const std = app.state.band === 'std';
      return {
        key, color: groupColor(i), runs: lines.map((l) => l.runId), x: st.x, mean: st.mean,
        lo: std ? st.mean.map((m, k) => (m === null ? null : m - st.std[k]!)) : st.min,
        hi: std ? st.mean.map((m, k) => (m === null ? null : m + st.std[k]!)) : st.max,
      };
    });
  }

  private sizeToFit(): void {
    if (!this.plot) return;
    const w = this.width || Math.floor(this.plotEl.getBoundingClientRect().width);
    if (w > 0 && Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: 220 });
  }

  /** Points stored per run, as of the last fetch (tests watch it grow while a run trains). */
  pointCounts(): Record<string, number> {
    return Object.fromEntries((this.resp?.series ?? []).map((s) => [s.runId, s.totalPoints]));
  }
}

let colors: { theme: string; axisColor: string; gridColor: string } | null = null;

/** The theme's axis and grid colours, read once per theme (each read forces a style pass). */
function themeColors(): { axisColor: string; gridColor: string } {
  const theme = document.documentElement.dataset.theme ?? '';
  if (colors?.theme !== theme) {
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue('--muted').trim();
    const gridColor = css.getPropertyValue('--grid').trim();
    // kept only once the style sheet gave them
    if (!axisColor || !gridColor) return { axisColor: axisColor || '#888', gridColor: gridColor || 'rgba(128,128,128,0.15)' };
    colors = { theme, axisColor, gridColor };
  }
  return colors;
}

/** A faceted series' x values. */
function facetX(u: uPlot, si: number): number[] {
  return (u.data[si] as unknown as number[][])[0];
}

/**
 * Which points of a faceted series get a dot: uPlot draws dots over the shared x's index range,
 * which a faceted chart does not have, so without this list it draws none.
 */
function facetPoints(u: uPlot, si: number, show: boolean): number[] | null {
  return show ? facetX(u, si).map((_, i) => i) : null;
}

/**
 * Whether a faceted series' points in view are sparse enough to be drawn as dots (uPlot's own test
 * reads a shared x): fewer than the plot's width over the dots' spacing.
 */
function pointsFit(u: uPlot, si: number): boolean {
  const xs = facetX(u, si);
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined) return false;
  let n = 0;
  for (const x of xs) if (x >= min && x <= max) n++;
  const space = u.series[si].points?.space;
  return n <= u.bbox.width / ((typeof space === 'number' ? space : 8) * devicePixelRatio);
}

function lastIndex(values: (number | null)[]): number {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return i;
  return -1;
}

export function mountScalars(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `
    <h3>Scalars</h3>
    <label class="setting" title="Exponential moving average with TensorBoard's debiasing, computed on every stored point: zooming or sampling never changes it. 0 = raw values.">
      <span>Smoothing <b class="smooth-value"></b></span>
      <input class="smoothing" type="range" min="0" max="0.99" step="0.01" />
    </label>
    <div class="setting"><span>Horizontal axis</span>
      <div class="seg x-axis">
        <button data-x="step" title="Training step">Step</button>
        <button data-x="relative" title="Time since each run started">Relative</button>
        <button data-x="wall" title="Clock time">Wall</button>
      </div></div>
    <label class="setting check"><input type="checkbox" class="logy" /> Logarithmic vertical axis</label>
    <label class="setting check" title="Scale the vertical axis to the 2nd..98th percentile of the values, so that a spike (Adagrad's first step) does not flatten every curve"><input type="checkbox" class="robust" /> Ignore outliers</label>
    <label class="setting"><span>Group runs by</span><select class="chart-group" title="Draw each group of runs as its mean with a band"></select></label>
    <div class="setting band-setting"><span>Band</span>
      <div class="seg band">
        <button data-band="minmax" title="From the group's lowest to its highest run">min – max</button>
        <button data-band="std" title="Mean ± one standard deviation">± std</button>
      </div></div>
    <label class="setting"><span>Show tags matching</span>
      <input class="tag-filter" type="search" placeholder="regex, e.g. loss|accuracy" /></label>
    <p class="hint muted">Drag across a chart to zoom, double-click to reset. Hover to see every run's value.</p>`;
  const slider = settings.querySelector<HTMLInputElement>('.smoothing')!;
  const tagFilter = settings.querySelector<HTMLInputElement>('.tag-filter')!;
  const syncSettings = () => {
    slider.value = String(app.state.smoothing);
    settings.querySelector('.smooth-value')!.textContent = app.state.smoothing.toFixed(2);
    settings.querySelectorAll<HTMLButtonElement>('.x-axis button').forEach((b) => b.classList.toggle('active', b.dataset.x === app.state.x));
    settings.querySelector<HTMLInputElement>('.logy')!.checked = app.state.logY;
    settings.querySelector<HTMLInputElement>('.robust')!.checked = app.state.robust;
    settings.querySelectorAll<HTMLButtonElement>('.band button').forEach((b) => b.classList.toggle('active', b.dataset.band === app.state.band));
    settings.querySelector<HTMLElement>('.band-setting')!.hidden = !app.state.chartGroup;
    const groupSel = settings.querySelector<HTMLSelectElement>('.chart-group')!;
    const sel = app.selected().map((id) => app.runsById.get(id)).filter((r) => !!r);
    const params = [...new Set(sel.flatMap((r) => Object.keys(r!.params)))].sort();
    const tags = [...new Set(sel.flatMap((r) => r!.tags))].sort();
    const options: [string, string][] = [['', 'nothing (each run)'], ['experiment', 'experiment'], ['tags', 'tags'],
      ...tags.map((t): [string, string] => [`tag:${t}`, `tag ${t}`]), ...params.map((p): [string, string] => [`param:${p}`, p])];
    if (app.state.chartGroup && !options.some(([v]) => v === app.state.chartGroup)) options.push([app.state.chartGroup, app.state.chartGroup.replace(/^param:/, '')]);
    groupSel.innerHTML = options.map(([v, l]) => `<option value="${escapeHtml(v)}" ${v === app.state.chartGroup ? 'selected' : ''}>${escapeHtml(l)}</option>`).join('');
    if (document.activeElement !== tagFilter) tagFilter.value = app.state.tagFilter;
  };
  syncSettings();
  let smoothTimer = 0;
  slider.addEventListener('input', () => {
    settings.querySelector('.smooth-value')!.textContent = Number(slider.value).toFixed(2);
    clearTimeout(smoothTimer);
    smoothTimer = window.setTimeout(() => app.set({ smoothing: Number(slider.value) }), 60);
  });
  settings.querySelector('.x-axis')!.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-x]');
    if (b) app.set({ x: b.dataset.x as 'step' | 'relative' | 'wall' });
  });
  settings.querySelector('.logy')!.addEventListener('change', (e) => app.set({ logY: (e.target as HTMLInputElement).checked }));
  settings.querySelector('.robust')!.addEventListener('change', (e) => app.set({ robust: (e.target as HTMLInputElement).checked }));
  settings.querySelector('.chart-group')!.addEventListener('change', (e) => app.set({ chartGroup: (e.target as HTMLSelectElement).value }));
  settings.querySelector('.band')!.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-band]');
    if (b) app.set({ band: b.dataset.band as 'minmax' | 'std' });
  });
  tagFilter.addEventListener('input', () => app.set({ tagFilter: tagFilter.value }));

  main.innerHTML = `<div class="view-msg muted"></div><div class="chart-groups"></div>`;
  const groupsEl = main.querySelector<HTMLElement>('.chart-groups')!;
  const msgEl = main.querySelector<HTMLElement>('.view-msg')!;
  const charts = new Map<string, ScalarChart>();
  let tagRuns: Record<string, string[]> = {};
  let tagsKey = '';
  let laidOut = '';
  let tagSeq = 0;
  const collapsed = new Set<string>(JSON.parse(sessionStorage.getItem('cairn.collapsed') ?? '[]'));

  const layout = () => {
    let re: RegExp | null = null;
    try {
      re = app.state.tagFilter ? new RegExp(app.state.tagFilter, 'i') : null;
      tagFilter.classList.remove('invalid');
    } catch {
      tagFilter.classList.add('invalid');
    }
    const selected = app.selected();
    const tags = Object.keys(tagRuns).filter((t) => !re || re.test(t));
    if (selected.length === 0) {
      msgEl.innerHTML = app.runs.length ? 'No run selected: tick runs in the list on the left.' : '';
    } else if (Object.keys(tagRuns).length === 0) {
      msgEl.textContent = 'The selected runs have no scalars yet.';
    } else if (tags.length === 0) {
      msgEl.textContent = `No tag matches /${app.state.tagFilter}/.`;
    } else {
      msgEl.textContent = '';
    }
    const groups = new Map<string, string[]>();
    const pinned = app.state.pinned.filter((t) => tags.includes(t));
    if (pinned.length) groups.set('★ Pinned', pinned);
    for (const t of tags) {
      if (pinned.includes(t)) continue;
      const g = t.includes('/') ? t.slice(0, t.indexOf('/')) : 'other';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(t);
    }
    // system/* (CPU, memory, GPU) is about the machine, not the model: its own group, last
    const sys = groups.get('system');
    if (sys) {
      groups.delete('system');
      groups.set('system', sys);
    }
    // the same charts in the same places (another answer about the runs came in): leave the page
    // alone, charts still drawing included
    // each tag's selected runs, in selection order (a set per tag: 200 runs x 200 x 10 tags with
    // includes() cost tens of ms per layout, and a load lays out again on every runs answer)
    const runsOf = new Map<string, string[]>();
    for (const t of [...groups.values()].flat()) {
      const has = new Set(tagRuns[t]);
      runsOf.set(t, selected.filter((r) => has.has(r)));
    }
    const shape = JSON.stringify([[...groups], [...runsOf.values()].map((r) => r.join())]);
    if (shape === laidOut && [...groups.values()].flat().every((t) => charts.has(t))) return;
    laidOut = shape;
    const keep = new Set<string>();
    groupsEl.innerHTML = '';
    for (const [name, groupTags] of groups) {
      const section = document.createElement('section');
      section.className = 'group' + (collapsed.has(name) ? ' collapsed' : '');
      section.innerHTML = `<h2 class="group-head" title="Click to fold"><span class="caret">▾</span> ${escapeHtml(name)} <span class="muted">${groupTags.length}</span></h2><div class="grid"></div>`;
      section.querySelector('.group-head')!.addEventListener('click', () => {
        section.classList.toggle('collapsed');
        if (collapsed.has(name)) collapsed.delete(name);
        else collapsed.add(name);
        sessionStorage.setItem('cairn.collapsed', JSON.stringify([...collapsed]));
      });
      const grid = section.querySelector('.grid')!;
      for (const t of groupTags) {
        const runs = runsOf.get(t)!;
        let c = charts.get(t);
        if (!c) {
          c = new ScalarChart(t, runs);
          charts.set(t, c);
          c.requestLoad();
        } else if (c.runIds.join() !== runs.join()) {
          c.setRuns(runs);
        }
        grid.appendChild(c.el);
        keep.add(t);
      }
      groupsEl.appendChild(section);
    }
    for (const c of charts.values()) c.loadIfOnScreen();
    for (const [t, c] of charts) {
      if (!keep.has(t)) {
        c.destroy();
        charts.delete(t);
      }
    }
  };

  const loadTags = async () => {
    const selected = app.selected();
    const key = selected.join(',');
    if (key === tagsKey) return layout();
    tagsKey = key;
    const seq = ++tagSeq;
    if (selected.length === 0) {
      tagRuns = {};
      return layout();
    }
    try {
      const t = await api.tags(selected);
      if (seq !== tagSeq) return;
      tagRuns = t.scalars;
      layout();
    } catch (e) {
      msgEl.textContent = `Could not load tags: ${(e as Error).message}`;
    }
  };

  const liveTimers = new Map<string, number>();
  const off = app.on((reason, detail) => {
    const d = (detail ?? {}) as Record<string, unknown>;
    if (reason === 'state') {
      syncSettings();
      if ('smoothing' in d) charts.forEach((c) => c.smoothingChanged());
      if ('x' in d || 'logY' in d || 'robust' in d || 'chartGroup' in d || 'band' in d) charts.forEach((c) => c.redraw());
      if ('tagFilter' in d || 'pinned' in d) {
        charts.forEach((c) => c.redraw());
        layout();
      }
      if ('runs' in d) void loadTags();
    } else if (reason === 'runs') {
      syncSettings();
      if (app.state.chartGroup) charts.forEach((c) => c.redraw());
      void loadTags();
    } else if (reason === 'colors' || reason === 'theme') {
      charts.forEach((c) => c.redraw());
    } else if (reason === 'live') {
      const ids = detail as string[];
      const selected = new Set(app.selected());
      if (!ids.some((id) => selected.has(id))) return;
      tagsKey = '';
      void loadTags();
      for (const [t, c] of charts) {
        if (liveTimers.has(t)) continue;
        liveTimers.set(t, window.setTimeout(() => {
          liveTimers.delete(t);
          c.requestLoad();
        }, 100));
      }
    }
  });
  void loadTags();
  (window as unknown as { cairnCharts: unknown }).cairnCharts = charts;
  return () => {
    off();
    charts.forEach((c) => c.destroy());
    liveTimers.forEach((t) => clearTimeout(t));
  };
}
