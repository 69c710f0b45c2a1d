import { app } from '../app';
import { runColor } from '../colors';
import { parseFilter } from '../filter';
import { escapeHtml, fmt, fmtParam } from '../format';
import { ticks } from '../histo';
import { drawParallel, pcPos, pcX, PC_HEIGHT, scaleColor } from '../parallel';
import { hparamsCsv, keyMetrics, sortRuns, varyingParams } from '../runsTable';
import type { Run } from '../types';

const MAX_RUNS = 500;

/** A param's axis: linear for numbers, evenly spaced categories otherwise. */
interface Axis {
  key: string;
  label: string;
  value: (r: Run) => number | string | null;
  numeric: boolean;
  /** positive numbers spanning two decades or more (learning rates, weight decay): a log axis */
  log: boolean;
  categories: string[];
  min: number;
  max: number;
}

function axisFor(key: string, label: string, value: (r: Run) => number | string | null, runs: Run[]): Axis {
  const vals = runs.map(value).filter((v) => v !== null && v !== undefined);
  const numeric = vals.length > 0 && vals.every((v) => typeof v === 'number' || (v !== '' && !Number.isNaN(Number(v))));
  const nums = numeric ? vals.map(Number) : [];
  const lo = nums.length ? Math.min(...nums) : 0;
  const hi = nums.length ? Math.max(...nums) : 1;
  return {
    key, label, value, numeric, log: lo > 0 && hi / lo >= 100,
    categories: numeric ? [] : [...new Set(vals.map(String))].sort(),
    min: nums.length ? Math.min(...nums) : 0,
    max: nums.length ? Math.max(...nums) : 1,
  };
}

/** Position of a run on an axis in [0, 1] (0 = bottom), or null when it has no value. */
function position(a: Axis, r: Run): number | null {
  const v = a.value(r);
  if (v === null || v === undefined) return null;
  if (a.numeric) return numPos(a, Number(v));
  const i = a.categories.indexOf(String(v));
  return a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1);
}

/** Position of a number on a numeric axis: linear, or logarithmic on a log axis. */
function numPos(a: Axis, v: number): number {
  if (a.max === a.min) return 0.5;
  return a.log ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min);
}

/** Tick labels of a numeric axis: every decade on a log axis, else min and max. */
function axisTicks(a: Axis): { pos: number; text: string }[] {
  if (!a.numeric) return a.categories.map((c, i) => ({ pos: a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1), text: c }));
  const vs = [a.min, a.max];
  if (a.log) for (let e = Math.ceil(Math.log10(a.min)); e <= Math.floor(Math.log10(a.max)); e++) vs.push(10 ** e);
  return [...new Set(vs)].sort((x, y) => x - y).map((v) => ({ pos: numPos(a, v), text: fmt(v) }));
}

/** Params that say how a run was made, not what was tuned: off the plots unless asked for. */
const BOOKKEEPING = ['seed', 'sweep.trial', 'sweep.id', 'device', 'name', 'experiment'];

export function mountHparams(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>HParams</h3>
    <label class="setting"><span>Metric on the plots</span><select class="metric"></select></label>
    <label class="setting"><span>Colour lines by</span><select class="color-by"><option value="metric">the metric</option><option value="run">run</option></select></label>
    <label class="setting check" title="seed and sweep.trial tell runs apart but are not hyperparameters"><input type="checkbox" class="show-bookkeeping" /> Show seed and trial number</label>
    <button class="export" title="Download this table as CSV">Download table as CSV</button>
    <p class="hint muted">Drag along an axis to keep only the runs inside (brush); click the axis again to clear. The selected runs' hyperparameters (those that differ between them) against their final metrics: one line per run across the axes, one dot per run in each scatter plot, in the run's colour. Pick runs on the left.</p>`;
  main.innerHTML = `<div class="view-msg muted"></div>
    <h2 class="section-title">Parallel coordinates</h2><div class="card"><div class="brush-note muted"></div><svg class="plot-svg parallel"></svg></div>
    <h2 class="section-title">Param vs metric</h2><div class="media-grid scatters"></div>
    <h2 class="section-title">Table</h2><div class="table-wrap"><table class="hp-table runs-table"></table></div>`;
  const metricSel = settings.querySelector<HTMLSelectElement>('.metric')!;
  metricSel.addEventListener('change', () => app.set({ metric: metricSel.value }));
  let current: { runs: Run[]; params: string[]; metrics: string[] } = { runs: [], params: [], metrics: [] };
  const colorBy = settings.querySelector<HTMLSelectElement>('.color-by')!;
  const bookkeeping = settings.querySelector<HTMLInputElement>('.show-bookkeeping')!;
  colorBy.addEventListener('change', () => render());
  bookkeeping.addEventListener('change', () => render());
  /** brushes by axis key: the kept range of positions [low, high] */
  const brushes = new Map<string, [number, number]>();
  let axesNow: Axis[] = [];
  let svgWidth = 900;
  settings.querySelector('.export')!.addEventListener('click', () => {
    const blob = new Blob([hparamsCsv(current.runs, current.params, current.metrics)], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'hparams.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });

  const render = () => {
    const f = parseFilter(app.state.runFilter);
    // the selected runs, wherever they are in the (server-paged) list
    const chosen = app.selected().map((id) => app.runsById.get(id)).filter((r): r is Run => !!r && (app.state.showHidden || !app.hidden.has(r.id)));
    const all = sortRuns(chosen.filter((r) => f.match(r)), app.state.sort).slice(0, MAX_RUNS);
    const params = varyingParams(all, 8, bookkeeping.checked ? [] : BOOKKEEPING);
    const metrics = keyMetrics(all, 8);
    const metric = metrics.includes(app.state.metric) ? app.state.metric : metrics[0] ?? '';
    const axes = [...params.map((p) => axisFor(p, p, (r) => r.params[p] ?? null, all)),
      ...(metric ? [axisFor(metric, metric, (r) => r.metrics[metric] ?? null, all)] : [])];
    for (const k of [...brushes.keys()]) if (!axes.some((a) => a.key === k)) brushes.delete(k);
    const inBrushes = (r: Run) => axes.every((a) => {
      const b = brushes.get(a.key);
      if (!b) return true;
      const p = position(a, r);
      return p !== null && p >= b[0] - 1e-9 && p <= b[1] + 1e-9;
    });
    const runs = all.filter(inBrushes);
    current = { runs, params, metrics };
    main.querySelector('.brush-note')!.textContent = brushes.size ? `${runs.length} of ${all.length} runs inside the brushed ranges (click a brushed axis to clear it)` : '';
    metricSel.innerHTML = metrics.map((m) => `<option ${m === metric ? 'selected' : ''}>${escapeHtml(m)}</option>`).join('');
    const msg = main.querySelector('.view-msg')!;
    msg.textContent = all.length < 2 ? 'HParams compares the selected runs: select at least two (e.g. the same spec trained with different learning rates).'
      : params.length === 0 ? 'The selected runs all have the same hyperparameters.' : '';
    const selected = new Set(app.selected());

    // parallel coordinates: lines coloured by the metric (or by run); runs outside a brush faint
    axesNow = axes;
    const metricAxis = metric ? axes[axes.length - 1] : null;
    const lineColor = (r: Run) => {
      if (colorBy.value === 'run' || !metricAxis) return runColor(r.id);
      const p = position(metricAxis, r);
      return p === null ? '#888888' : scaleColor(p);
    };
    svgWidth = drawParallel(
      main.querySelector<SVGSVGElement>('.parallel')!,
      axes.map((a) => ({ label: a.label + (a.log ? ' (log)' : ''), ticks: axisTicks(a) })),
      all.map((r) => {
        const inside = inBrushes(r);
        return {
          positions: axes.map((a) => position(a, r)),
          color: lineColor(r),
          width: inside ? 2 : 1,
          opacity: inside ? 0.95 : 0.08,
          title: `${r.name} (${r.id}) · ${metric} = ${fmt(r.metrics[metric])}`,
          attrs: { 'data-run': r.id, class: inside ? 'in' : 'out' },
        };
      }),
      PC_HEIGHT,
      axes.map((a) => brushes.get(a.key) ?? null),
    );

    // scatter plots
    const scatters = main.querySelector<HTMLElement>('.scatters')!;
    scatters.innerHTML = '';
    if (metric) {
      const my = axisFor(metric, metric, (r) => r.metrics[metric] ?? null, runs);
      for (const p of params) {
        const ax = axisFor(p, p, (r) => r.params[p] ?? null, runs);
        const W = 320;
        const H = 220;
        const L = 52;
        const B = 34;
        const px = (v: number) => L + v * (W - L - 14);
        const py = (v: number) => 10 + (1 - v) * (H - 10 - B);
        let g = `<line class="axis" x1="${L}" x2="${W - 10}" y1="${H - B}" y2="${H - B}"/><line class="axis" x1="${L}" x2="${L}" y1="10" y2="${H - B}"/>`;
        for (const t of ticks(my.min, my.max, 4)) {
          const pos = my.max === my.min ? 0.5 : (t - my.min) / (my.max - my.min);
          g += `<text x="${L - 4}" y="${py(pos) + 4}" text-anchor="end">${fmt(t)}</text>`;
        }
        const xl = ax.numeric ? [ax.min, ax.max] : ax.categories;
        xl.forEach((v) => {
          const pos = ax.numeric ? numPos(ax, Number(v)) : (ax.categories.length === 1 ? 0.5 : ax.categories.indexOf(String(v)) / (ax.categories.length - 1));
          g += `<text x="${px(pos)}" y="${H - B + 14}" text-anchor="middle">${escapeHtml(typeof v === 'number' ? fmt(v) : String(v))}</text>`;
        });
        g += `<text x="${(W + L) / 2}" y="${H - 4}" text-anchor="middle" font-weight="600">${escapeHtml(p)}</text>`;
        for (const r of runs) {
          const a = position(ax, r);
          const b = position(my, r);
          if (a === null || b === null) continue;
          g += `<circle cx="${px(a)}" cy="${py(b)}" r="${selected.has(r.id) ? 5 : 3.5}" fill="${runColor(r.id)}" stroke="${selected.has(r.id) ? 'currentColor' : 'none'}"><title>${escapeHtml(r.name)}: ${escapeHtml(p)} = ${escapeHtml(r.params[p] ?? '')}, ${escapeHtml(metric)} = ${fmt(r.metrics[metric])}</title></circle>`;
        }
        const card = document.createElement('div');
        card.className = 'card';
        card.innerHTML = `<div class="card-head"><span class="title">${escapeHtml(metric)} vs ${escapeHtml(p)}</span></div><svg class="plot-svg" viewBox="0 0 ${W} ${H}">${g}</svg>`;
        scatters.appendChild(card);
      }
    }

    // table
    const table = main.querySelector<HTMLTableElement>('.hp-table')!;
    table.innerHTML = `<thead><tr><th></th><th data-sort="name">run</th>${params.map((p) => `<th data-sort="param:${escapeHtml(p)}">${escapeHtml(p)}</th>`).join('')}${metrics.map((m) => `<th data-sort="metric:${escapeHtml(m)}">${escapeHtml(m)}</th>`).join('')}</tr></thead><tbody>${runs
      .map((r) => `<tr class="${selected.has(r.id) ? 'sel' : ''}" data-id="${r.id}"><td><span class="swatch" style="background:${runColor(r.id)}"></span></td><td title="${r.id}">${escapeHtml(r.name)}</td>${params.map((p) => `<td class="num" title="${escapeHtml(r.params[p] ?? '')}">${escapeHtml(fmtParam(r.params[p]))}</td>`).join('')}${metrics.map((m) => `<td class="num">${fmt(r.metrics[m])}</td>`).join('')}</tr>`)
      .join('')}</tbody>`;
  };
  // brushing: drag along an axis to keep the runs whose value lies in the dragged range
  const svg = main.querySelector<SVGSVGElement>('.parallel')!;
  let drag: { axis: number; from: number } | null = null;
  const svgPoint = (e: MouseEvent) => {
    const r = svg.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * svgWidth) / r.width, y: ((e.clientY - r.top) * PC_HEIGHT) / r.height };
  };
  svg.addEventListener('mousedown', (e) => {
    const p = svgPoint(e);
    const i = axesNow.findIndex((_, k) => Math.abs(pcX(k, axesNow.length, svgWidth) - p.x) < 14);
    if (i < 0) return;
    e.preventDefault();
    drag = { axis: i, from: pcPos(p.y) };
  });
  svg.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const to = pcPos(svgPoint(e).y);
    const key = axesNow[drag.axis].key;
    if (Math.abs(to - drag.from) < 0.02) brushes.delete(key);
    else brushes.set(key, [Math.min(drag.from, to), Math.max(drag.from, to)]);
    drag = null;
    render();
  });
  main.querySelector('.hp-table')!.addEventListener('click', (e) => {
    const th = (e.target as HTMLElement).closest<HTMLElement>('th[data-sort]');
    if (th) app.set({ sort: app.state.sort === '-' + th.dataset.sort ? th.dataset.sort! : '-' + th.dataset.sort });
  });
  const off = app.on((reason) => {
    if (reason === 'runs' || reason === 'state' || reason === 'colors' || reason === 'theme') render();
  });
  render();
  return off;
}
