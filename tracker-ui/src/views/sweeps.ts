import uPlot from 'uplot';
import * as api from '../api';
import { app } from '../app';
import { auth } from '../auth';
import { duration, escapeHtml, fmt, when } from '../format';
import { drawParallel } from '../parallel';
import { toHash } from '../state';
import { RAMP_CSS, axisPosition, axisTicks, bestSoFar, bestTrial, metricAxis, metricColor, paramAxes, sortTrials, valueLabel } from '../sweeps';
import type { Sweep, SweepDetail, SweepImportance, Trial } from '../types';

/**
 * While a sweep runs, the view refetches it this often (and sooner when one of its runs flushes);
 * otherwise the list is refetched now and then, so that a sweep started elsewhere appears.
 */
const POLL_MS = 3000;
const IDLE_POLL_MS = 15000;

const goalArrow = (goal: string) => (goal === 'minimize' ? '↓' : '↑');

/** A link to runs in the Scalars view, keeping the other settings. */
const scalarsLink = (runs: string[]) => toHash({ ...app.state, view: 'scalars', runs });

/**
 * Hyperparameter sweeps: the list, and for the chosen one (`#/sweeps?sweep=ID`, else the newest)
 * the best-so-far curve, parameter importance, parallel coordinates of the finished trials and the
 * trials table. A running sweep refreshes itself and can be stopped.
 */
export function mountSweeps(main: HTMLElement): () => void {
  main.innerHTML = `
    <div class="sweeps-view">
      <div class="view-msg muted"></div>
      <div class="table-wrap sweep-list-wrap" hidden><table class="runs-table sweep-list"></table></div>
      <div class="sweep-detail" hidden>
        <div class="sweep-head">
          <h2 class="sweep-title"></h2><span class="badge sweep-status"></span>
          <span class="sweep-sub muted"></span>
          <span class="spacer"></span>
          <a class="btn compare" title="Open the finished trials' charts">Finished trials in Scalars →</a>
          <button class="danger stop" hidden title="Stop the sweep: running trials end KILLED, finished ones stay">Stop sweep</button>
        </div>
        <div class="sweep-msg muted"></div>
        <div class="sweep-results">
        <div class="sweep-grid">
          <div class="card best-card">
            <div class="card-head"><span class="titles"><span class="title best-title"></span><span class="sub muted">every finished trial (dots) and the best value up to it (line), by trial number</span></span></div>
            <div class="plot best-plot"><div class="chart-msg muted" hidden></div></div>
          </div>
          <div class="card imp-card">
            <div class="card-head"><span class="titles"><span class="title">Parameter importance</span><span class="sub muted imp-sub"></span></span></div>
            <div class="importance"></div>
            <p class="hint muted imp-note"></p>
          </div>
        </div>
        <h2 class="section-title">Parallel coordinates <span class="muted pc-sub"></span></h2>
        <div class="card"><svg class="plot-svg parallel sweep-parallel"></svg>
          <div class="pc-legend muted"><span class="pc-worst"></span><i style="background:${RAMP_CSS}"></i><span class="pc-best"></span></div></div>
        </div>
        <div class="trials-section">
          <h2 class="section-title">Trials <span class="muted trials-sub"></span></h2>
          <div class="table-wrap"><table class="runs-table trials-table"></table></div>
        </div>
      </div>
      <dialog class="stop-dialog">
        <form method="dialog">
          <h3>Stop sweep <span class="sd-name"></span>?</h3>
          <p>No new trials start; running trials are stopped and end KILLED. Finished and pruned trials stay.</p>
          <div class="sd-error error"></div>
          <div class="buttons"><button value="cancel">Cancel</button><button class="danger sd-confirm" value="stop">Stop sweep</button></div>
        </form>
      </dialog>
    </div>`;
  const msg = main.querySelector<HTMLElement>('.view-msg')!;
  const listWrap = main.querySelector<HTMLElement>('.sweep-list-wrap')!;
  const list = main.querySelector<HTMLTableElement>('.sweep-list')!;
  const detailEl = main.querySelector<HTMLElement>('.sweep-detail')!;
  const plotEl = main.querySelector<HTMLElement>('.best-plot')!;
  const chartMsg = plotEl.querySelector<HTMLElement>('.chart-msg')!;
  const stopBtn = main.querySelector<HTMLButtonElement>('.stop')!;
  const stopDialog = main.querySelector<HTMLDialogElement>('.stop-dialog')!;

  let sweeps: Sweep[] = [];
  let detail: SweepDetail | null = null;
  let trials: Trial[] = [];
  let importance: SweepImportance | null = null;
  /** the sweep and finished-trial count the importance was computed for: it is refetched when either changes */
  let importanceFor = '';
  let detailError = '';
  let plot: uPlot | null = null;
  let plotKey = '';
  let seq = 0;
  let pollTimer = 0;
  let liveTimer = 0;
  let stopping = false;
  /** run names in the trials table as last drawn */
  const shownNames = new Map<string, string>();

  const shownId = () => app.state.sweep || sweeps[0]?.id || '';

  const load = async () => {
    const s = ++seq;
    clearTimeout(pollTimer);
    try {
      const all = await api.sweeps();
      if (s !== seq) return;
      sweeps = all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      msg.textContent = '';
      const id = shownId();
      if (id) {
        try {
          const [d, t] = await Promise.all([api.sweep(id), api.sweepTrials(id)]);
          if (s !== seq) return;
          detail = d;
          trials = t;
          detailError = '';
          const key = `${id}:${d.counts.finished ?? 0}`;
          if (key !== importanceFor) {
            importance = await api.sweepImportance(id);
            if (s !== seq) return;
            importanceFor = key;
          }
        } catch (e) {
          if (s !== seq) return;
          detail = null;
          trials = [];
          importance = null;
          importanceFor = '';
          detailError = (e as api.ApiError).status === 404 ? `No sweep with id ${id}.` : `Could not load sweep ${id}: ${(e as Error).message}`;
        }
      } else {
        detail = null;
      }
      render();
    } catch (e) {
      if (s !== seq) return;
      msg.textContent = `Could not load sweeps: ${(e as Error).message}`;
    } finally {
      if (s === seq) pollTimer = window.setTimeout(() => void load(), sweeps.some((w) => w.status === 'RUNNING') ? POLL_MS : IDLE_POLL_MS);
    }
  };

  const render = () => {
    renderList();
    detailEl.hidden = !detail && !detailError;
    for (const el of detailEl.querySelectorAll<HTMLElement>('.sweep-head, .sweep-results, .trials-section')) el.hidden = !!detailError;
    if (detailError) main.querySelector('.sweep-msg')!.textContent = detailError;
    else if (detail) renderDetail(detail);
    detailEl.dataset.sweep = detail?.id ?? '';
  };

  const renderList = () => {
    listWrap.hidden = sweeps.length === 0;
    if (sweeps.length === 0) {
      msg.innerHTML = 'No sweeps yet. Start one with <code>cairn sweep experiments/sweep-mlp-lr.yaml</code> (or POST a sweep to <code>/api/sweeps</code>); it shows up here while its trials train.';
      return;
    }
    const id = shownId();
    list.innerHTML = `<thead><tr><th>sweep</th><th>method</th><th>metric</th><th>status</th><th title="Trials that ended, of the sweep's cap">trials</th><th>finished</th><th>pruned</th><th>failed</th><th>best</th><th>started</th></tr></thead><tbody>${sweeps
      .map((w) => {
        const c = w.counts;
        const ended = (c.finished ?? 0) + (c.pruned ?? 0) + (c.failed ?? 0) + (c.killed ?? 0);
        return `<tr data-sweep="${escapeHtml(w.id)}" class="${w.id === id ? 'sel' : ''}" title="${escapeHtml(w.message ?? 'Show this sweep')}">
          <td class="name"><b>${escapeHtml(w.name)}</b> <span class="muted id">${escapeHtml(w.id.slice(0, 8))}</span></td>
          <td>${escapeHtml(w.method)}</td>
          <td title="${escapeHtml(w.goal)}">${escapeHtml(w.metric)} ${goalArrow(w.goal)}</td>
          <td><span class="badge s-${w.status}">${w.status.toLowerCase()}</span></td>
          <td class="num">${ended} / ${w.runCap}${c.running ? ` <span class="muted">(${c.running} running)</span>` : ''}</td>
          <td class="num">${c.finished ?? 0}</td><td class="num">${c.pruned ?? 0}</td><td class="num">${c.failed ?? 0}</td>
          <td class="num">${w.best ? `${fmt(w.best.value)} <span class="muted">#${w.best.trialNo}</span>` : '–'}</td>
          <td class="nowrap">${when(w.createdAt, true)}</td></tr>`;
      })
      .join('')}</tbody>`;
  };

  const renderDetail = (d: SweepDetail) => {
    const finished = trials.filter((t) => t.status === 'FINISHED' && typeof t.value === 'number' && Number.isFinite(t.value));
    const best = bestTrial(trials, d.goal);
    main.querySelector('.sweep-title')!.textContent = d.name;
    const status = main.querySelector<HTMLElement>('.sweep-status')!;
    status.className = `badge sweep-status s-${d.status}`;
    status.textContent = d.status.toLowerCase();
    status.title = d.message ?? d.status;
    main.querySelector('.sweep-sub')!.textContent = `${d.method} · ${d.metric} (${d.goal}) · ${d.earlyTerminate ? `pruner: ${d.earlyTerminate}` : 'no pruner'} · cap ${d.runCap} · ${d.parallel} at once · seed ${d.seed} · id ${d.id}`;
    main.querySelector<HTMLAnchorElement>('.compare')!.href = scalarsLink(finished.map((t) => t.runId));
    main.querySelector<HTMLElement>('.compare')!.hidden = finished.length === 0;
    stopBtn.hidden = d.status !== 'RUNNING' || !auth.can('write');
    stopBtn.disabled = stopping;
    stopBtn.textContent = stopping ? 'Stopping…' : 'Stop sweep';
    // the curve, the lines and the importance need finished trials: until then, only the message and the table
    main.querySelector<HTMLElement>('.sweep-results')!.hidden = finished.length === 0;
    main.querySelector('.sweep-msg')!.textContent = finished.length
      ? ''
      : trials.length
        ? 'No trial has finished yet: the curve, parallel coordinates and importance appear when the first one does.'
        : 'No trial has started yet.';
    main.querySelector('.best-title')!.textContent = `Best ${d.metric} so far (${d.goal})${best ? `: ${fmt(best.value)} at trial ${best.trialNo}` : ''}`;
    renderChart(d);
    renderImportance();
    renderParallel(d, finished);
    renderTrials(d, best);
  };

  const renderChart = (d: SweepDetail) => {
    const points = bestSoFar(trials, d.goal);
    chartMsg.hidden = points.length > 0;
    chartMsg.textContent = 'No finished trial yet';
    if (points.length === 0) {
      plot?.destroy();
      plot = null;
      plotKey = '';
      return;
    }
    const data: uPlot.AlignedData = [points.map((p) => p.trialNo), points.map((p) => p.value), points.map((p) => p.best)];
    const key = `${d.id}|${document.documentElement.dataset.theme}`;
    if (plot && key === plotKey) {
      plot.setData(data);
      return;
    }
    plot?.destroy();
    plotKey = key;
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue('--muted').trim() || '#888';
    const gridColor = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.15)';
    const accent = css.getPropertyValue('--accent').trim() || '#5b9bd5';
    const axis = (label: string): uPlot.Axis => ({ label, stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, values: (_u, splits) => splits.map((v) => fmt(v)) });
    plot = new uPlot({
      width: Math.max(240, Math.floor(plotEl.getBoundingClientRect().width)),
      height: 240,
      series: [
        { label: 'trial' },
        { label: d.metric, stroke: accent, fill: accent, paths: () => null, points: { show: true, size: 7, stroke: accent, fill: accent }, value: (_u, v) => fmt(v) },
        { label: 'best so far', stroke: '#f28e2b', width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false }, value: (_u, v) => fmt(v) },
      ],
      // a single trial would give an empty x range
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
      axes: [{ ...axis('trial'), values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) }, { ...axis(d.metric), size: 60 }],
      cursor: { drag: { x: false, y: false } },
    }, data, plotEl);
  };

  const renderImportance = () => {
    const box = main.querySelector<HTMLElement>('.importance')!;
    const note = main.querySelector<HTMLElement>('.imp-note')!;
    const sub = main.querySelector<HTMLElement>('.imp-sub')!;
    if (!importance) {
      box.innerHTML = '';
      note.textContent = '';
      sub.textContent = '';
      return;
    }
    sub.textContent = `from ${importance.trials} finished trial${importance.trials === 1 ? '' : 's'}; rough with few`;
    box.innerHTML = importance.importances.length
      ? importance.importances
          .map((i) => `<div class="imp-row" data-param="${escapeHtml(i.param)}" title="${escapeHtml(i.param)}: ${(i.importance * 100).toFixed(1)} %">
            <span class="imp-name">${escapeHtml(i.param)}</span><span class="imp-bar"><i style="width:${Math.max(0, Math.min(100, i.importance * 100)).toFixed(1)}%"></i></span><span class="imp-val num">${i.importance.toFixed(2)}</span></div>`)
          .join('')
      : `<div class="muted">${escapeHtml(importance.note ?? 'No importance yet.')}</div>`;
    note.textContent = `Method (computed by the server): ${importance.method}.${importance.importances.length && importance.note ? ' ' + importance.note + '.' : ''}`;
  };

  const renderParallel = (d: SweepDetail, finished: Trial[]) => {
    const axes = paramAxes(d.parameters, trials);
    const values = finished.map((t) => t.value as number);
    const metric = metricAxis(d.metric, values);
    const all = [...axes, metric];
    // the best trial is drawn last, on top
    const ordered = [...finished].sort((a, b) => (a.value! === b.value! ? 0 : (d.goal === 'minimize' ? b.value! - a.value! : a.value! - b.value!)));
    drawParallel(
      main.querySelector<SVGSVGElement>('.sweep-parallel')!,
      all.map((a) => ({ label: a.label + (a.scale === 'log' ? ' (log)' : ''), ticks: axisTicks(a) })),
      ordered.map((t, i) => ({
        positions: [...axes.map((a) => axisPosition(a, t.params[a.key])), axisPosition(metric, t.value)],
        color: metricColor(t.value!, metric.min, metric.max, d.goal),
        width: i === ordered.length - 1 ? 3 : 1.6,
        opacity: 0.9,
        title: `trial ${t.trialNo}: ${axes.map((a) => `${a.key} = ${valueLabel(t.params[a.key])}`).join(', ')} → ${d.metric} = ${fmt(t.value)}`,
        attrs: { class: 'trial-line', 'data-trial': t.trialNo },
      })),
    );
    main.querySelector('.pc-sub')!.textContent = `${finished.length} finished trial${finished.length === 1 ? '' : 's'}, coloured by ${d.metric}`;
    main.querySelector('.pc-worst')!.textContent = values.length ? `worst ${fmt(d.goal === 'minimize' ? metric.max : metric.min)}` : '';
    main.querySelector('.pc-best')!.textContent = values.length ? `best ${fmt(d.goal === 'minimize' ? metric.min : metric.max)}` : '';
  };

  const renderTrials = (d: SweepDetail, best: Trial | null) => {
    const params = d.parameters.filter((p) => p.distribution !== 'value').map((p) => p.path);
    const sort = app.state.trialSort;
    const mark = (key: string) => (sort === key ? ' ▲' : sort === '-' + key ? ' ▼' : '');
    const th = (key: string, text: string, cls = '') => `<th data-tsort="${escapeHtml(key)}" class="${cls}" title="Sort by ${escapeHtml(text)}">${escapeHtml(text)}${mark(key)}</th>`;
    const c = d.counts;
    main.querySelector('.trials-sub')!.textContent = `${trials.length} of ${d.runCap}: ${c.finished ?? 0} finished, ${c.pruned ?? 0} pruned, ${c.failed ?? 0} failed, ${c.killed ?? 0} killed, ${c.running ?? 0} running, ${c.queued ?? 0} queued`;
    shownNames.clear();
    for (const t of trials) shownNames.set(t.runId, app.runName(t.runId));
    const rows = sortTrials(trials, sort).map((t) => {
      const status = t.status === 'PRUNED' && t.prunedStep !== null ? `pruned @ step ${t.prunedStep}` : t.status.toLowerCase();
      const took = t.runningAt && t.endedAt ? (Date.parse(t.endedAt) - Date.parse(t.runningAt)) / 1000 : null;
      return `<tr data-trial="${t.trialNo}" data-run="${escapeHtml(t.runId)}" class="${best && t.trialNo === best.trialNo ? 'best' : ''}">
        <td class="num">${t.trialNo}${best && t.trialNo === best.trialNo ? ' <span class="star" title="Best trial">★</span>' : ''}</td>
        <td class="run"><a class="run-link" href="${escapeHtml(scalarsLink([t.runId]))}" title="Open run ${escapeHtml(t.runId)} in Scalars">${escapeHtml(app.runName(t.runId))}</a></td>
        <td class="status"><span class="badge s-${t.status}" title="${escapeHtml(t.message ?? t.status)}">${escapeHtml(status)}</span></td>
        ${params.map((p, i) => `<td class="num param${i === 0 ? ' sep' : ''}" data-param="${escapeHtml(p)}">${escapeHtml(valueLabel(t.params[p]))}</td>`).join('')}
        <td class="num value sep${t.status === 'FINISHED' ? '' : ' muted'}" title="${t.value === null ? 'no value' : `${t.value}${t.step !== null ? ' at step ' + t.step : ''}`}">${fmt(t.value)}</td>
        <td class="num step">${t.step ?? '–'}</td>
        <td class="num">${duration(took)}</td></tr>`;
    });
    main.querySelector('.trials-table')!.innerHTML = `<thead><tr>${th('trial', '#')}${th('run', 'run')}${th('status', 'status')}${params.map((p, i) => th('param:' + p, p, i === 0 ? 'sep' : '')).join('')}${th('value', `${d.metric} ${goalArrow(d.goal)}`, 'sep')}<th title="The step of the value">step</th><th title="Training time">took</th></tr></thead><tbody>${rows.join('')}</tbody>`;
  };

  list.addEventListener('click', (e) => {
    const tr = (e.target as HTMLElement).closest<HTMLElement>('tr[data-sweep]');
    if (tr) app.set({ sweep: tr.dataset.sweep! });
  });
  main.querySelector('.trials-table')!.addEventListener('click', (e) => {
    const th = (e.target as HTMLElement).closest<HTMLElement>('th[data-tsort]');
    if (!th) return;
    const key = th.dataset.tsort!;
    // a first click sorts by value the goal's way round: the best first
    const first = key === 'value' && detail?.goal === 'maximize' ? '-' + key : key;
    const sort = app.state.trialSort === first ? (first.startsWith('-') ? key : '-' + key) : first;
    app.set({ trialSort: sort });
  });
  stopBtn.addEventListener('click', () => {
    if (!detail) return;
    main.querySelector('.sd-name')!.textContent = detail.name;
    main.querySelector('.sd-error')!.textContent = '';
    stopDialog.showModal();
  });
  main.querySelector('.sd-confirm')!.addEventListener('click', async (e) => {
    e.preventDefault();
    if (!detail) return;
    stopping = true;
    stopBtn.disabled = true;
    try {
      await api.stopSweep(detail.id);
      stopDialog.close();
      await load();
    } catch (err) {
      main.querySelector('.sd-error')!.textContent = (err as Error).message;
    } finally {
      stopping = false;
      if (detail) renderDetail(detail);
    }
  });

  const resize = new ResizeObserver(() => {
    const width = Math.floor(plotEl.getBoundingClientRect().width);
    if (plot && width > 0 && Math.abs(width - plot.width) > 2) plot.setSize({ width: Math.max(240, width), height: 240 });
  });
  resize.observe(plotEl);

  const off = app.on((reason, detailArg) => {
    if (reason === 'state' && detailArg && 'sweep' in (detailArg as object)) {
      // nothing of the previous sweep stays on screen under the new one's link
      if (detail && detail.id !== shownId()) {
        detail = null;
        detailError = '';
        render();
      }
      void load();
    } else if (reason === 'state' && detailArg && 'trialSort' in (detailArg as object)) {
      render();
    } else if (reason === 'auth') {
      render();
    } else if (reason === 'theme') {
      plotKey = '';
      render();
    } else if (reason === 'runs' && trials.some((t) => app.runName(t.runId) !== shownNames.get(t.runId))) {
      // the trials table names runs by the runs list, which may arrive after the trials
      render();
    } else if (reason === 'live') {
      // a flush of one of this running sweep's runs, or of a run the page does not know yet (a new trial, perhaps of a new sweep)
      const mine = new Set(detail?.status === 'RUNNING' ? trials.map((t) => t.runId) : []);
      if ((detailArg as string[]).some((id) => mine.has(id) || !app.runsById.has(id))) {
        clearTimeout(liveTimer);
        liveTimer = window.setTimeout(() => void load(), 400);
      }
    }
  });
  void load();
  return () => {
    off();
    seq++;
    clearTimeout(pollTimer);
    clearTimeout(liveTimer);
    resize.disconnect();
    plot?.destroy();
  };
}
