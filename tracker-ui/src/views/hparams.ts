import { app } from '../app';
import { runColor } from '../colors';
import { parseFilter } from '../filter';
import { escapeHtml, fmt } from '../format';
import { ticks } from '../histo';
import { drawParallel } from '../parallel';
import { hparamsCsv, keyMetrics, sortRuns, varyingParams } from '../runsTable';
import type { Run } from '../types';

const MAX_RUNS = 500;

/** A param's axis: linear for numbers, evenly spaced categories otherwise. */
interface Axis {
  key: string;
  label: string;
  value: (r: Run) => number | string | null;
  numeric: boolean;
  categories: string[];
  min: number;
  max: number;
}

function axisFor(key: string, label: string, value: (r: Run) => number | string | null, runs: Run[]): Axis {
  const vals = runs.map(value).filter((v) => v !== null && v !== undefined);
  const numeric = vals.length > 0 && vals.every((v) => typeof v === 'number' || (v !== '' && !Number.isNaN(Number(v))));
  const nums = numeric ? vals.map(Number) : [];
  return {
    key, label, value, numeric,
    categories: numeric ? [] : [...new Set(vals.map(String))].sort(),
    min: nums.length ? Math.min(...nums) : 0,
    max: nums.length ? Math.max(...nums) : 1,
  };
}

/** Position of a run on an axis in [0, 1] (0 = bottom), or null when it has no value. */
function position(a: Axis, r: Run): number | null {
  const v = a.value(r);
  if (v === null || v === undefined) return null;
  if (a.numeric) return a.max === a.min ? 0.5 : (Number(v) - a.min) / (a.max - a.min);
  const i = a.categories.indexOf(String(v));
  return a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1);
}

export function mountHparams(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>HParams</h3>
    <label class="setting"><span>Metric on the plots</span><select class="metric"></select></label>
    <button class="export" title="Download this table as CSV">Download table as CSV</button>
    <p class="hint muted">The selected runs' hyperparameters (those that differ between them) against their final metrics: one line per run across the axes, one dot per run in each scatter plot, in the run's colour. Pick runs on the left.</p>`;
  main.innerHTML = `<div class="view-msg muted"></div>
    <h2 class="section-title">Parallel coordinates</h2><div class="card"><svg class="plot-svg parallel"></svg></div>
    <h2 class="section-title">Param vs metric</h2><div class="media-grid scatters"></div>
    <h2 class="section-title">Table</h2><div class="table-wrap"><table class="hp-table runs-table"></table></div>`;
  const metricSel = settings.querySelector<HTMLSelectElement>('.metric')!;
  metricSel.addEventListener('change', () => app.set({ metric: metricSel.value }));
  let current: { runs: Run[]; params: string[]; metrics: string[] } = { runs: [], params: [], metrics: [] };
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
    const chosen = new Set(app.selected());
    const runs = sortRuns(app.visibleRuns().filter((r) => chosen.has(r.id) && f.match(r)), app.state.sort).slice(0, MAX_RUNS);
    const params = varyingParams(runs, 8);
    const metrics = keyMetrics(runs, 8);
    current = { runs, params, metrics };
    const metric = metrics.includes(app.state.metric) ? app.state.metric : metrics[0] ?? '';
    metricSel.innerHTML = metrics.map((m) => `<option ${m === metric ? 'selected' : ''}>${escapeHtml(m)}</option>`).join('');
    const msg = main.querySelector('.view-msg')!;
    msg.textContent = runs.length < 2 ? 'HParams compares the selected runs: select at least two (e.g. the same spec trained with different learning rates).'
      : params.length === 0 ? 'The selected runs all have the same hyperparameters.' : '';
    const selected = new Set(app.selected());

    // parallel coordinates
    const axes = [...params.map((p) => axisFor(p, p, (r) => r.params[p] ?? null, runs)),
      ...(metric ? [axisFor(metric, metric, (r) => r.metrics[metric] ?? null, runs)] : [])];
    drawParallel(
      main.querySelector<SVGSVGElement>('.parallel')!,
      axes.map((a) => ({
        label: a.label,
        ticks: a.numeric
          ? [a.min, a.max].map((v) => ({ pos: a.max === a.min ? 0.5 : (v - a.min) / (a.max - a.min), text: fmt(v) }))
          : a.categories.map((c, i) => ({ pos: a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1), text: c })),
      })),
      runs.map((r) => ({
        positions: axes.map((a) => position(a, r)),
        color: runColor(r.id),
        width: selected.has(r.id) ? 2.5 : 1.2,
        opacity: selected.has(r.id) ? 1 : 0.55,
        title: `${r.name} (${r.id})`,
      })),
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
          const pos = ax.numeric ? (ax.max === ax.min ? 0.5 : (Number(v) - ax.min) / (ax.max - ax.min)) : (ax.categories.length === 1 ? 0.5 : ax.categories.indexOf(String(v)) / (ax.categories.length - 1));
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
      .map((r) => `<tr class="${selected.has(r.id) ? 'sel' : ''}"><td><span class="swatch" style="background:${runColor(r.id)}"></span></td><td title="${r.id}">${escapeHtml(r.name)}</td>${params.map((p) => `<td class="num">${escapeHtml(r.params[p] ?? '–')}</td>`).join('')}${metrics.map((m) => `<td class="num">${fmt(r.metrics[m])}</td>`).join('')}</tr>`)
      .join('')}</tbody>`;
  };
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
