import * as api from '../api';
import { app } from '../app';
import { alpha, runColor } from '../colors';
import { escapeHtml, fmt } from '../format';
import { edges, mean, PERCENTILES, percentile, std, ticks } from '../histo';
import type { HistMode } from '../state';
import type { HistogramAt } from '../types';
import { followTags, matchingTags, tagFilterSetting } from './common';

const HEIGHT = 260;
const PAD = { left: 52, right: 56, top: 10, bottom: 26 };

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The values' range of some histograms: from the lowest left edge to the highest right edge. */
export function valueRange(hs: HistogramAt[]): [number, number] | null {
  const valid = hs.filter((x) => x.count > 0 && x.limits.length > 0);
  if (valid.length === 0) return null;
  return [Math.min(...valid.map((x) => x.left ?? x.min ?? 0)), Math.max(...valid.map((x) => x.limits[x.limits.length - 1]))];
}

/** Draws one run's histograms of one tag in the chosen mode; returns the step under x, y. */
function draw(canvas: HTMLCanvasElement, hs: HistogramAt[], mode: HistMode, color: string, range: [number, number] | null = null): (x: number, y: number) => HistogramAt | null {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 400;
  canvas.width = width * dpr;
  canvas.height = HEIGHT * dpr;
  const g = canvas.getContext('2d')!;
  g.scale(dpr, dpr);
  g.clearRect(0, 0, width, HEIGHT);
  g.font = '11px system-ui, sans-serif';
  const muted = css('--muted');
  const grid = css('--grid');
  const w = width - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const valid = hs.filter((x) => x.count > 0 && x.limits.length > 0);
  if (valid.length === 0) return () => null;
  const [vmin, vmax] = range ?? valueRange(valid)!;
  const axisText = (text: string, x: number, y: number, align: CanvasTextAlign) => {
    g.fillStyle = muted;
    g.textAlign = align;
    g.fillText(text, x, y);
  };

  if (mode === 'distribution') {
    const s0 = valid[0].step;
    const s1 = valid[valid.length - 1].step;
    const sx = (s: number) => PAD.left + (s1 === s0 ? w / 2 : ((s - s0) / (s1 - s0)) * w);
    const pct = valid.map((x) => PERCENTILES.map((p) => percentile(x, p) ?? 0));
    const ymin = Math.min(...pct.map((p) => p[0]));
    const ymax = Math.max(...pct.map((p) => p[p.length - 1]));
    const sy = (v: number) => PAD.top + h - (ymax === ymin ? h / 2 : ((v - ymin) / (ymax - ymin)) * h);
    for (const t of ticks(ymin, ymax)) {
      g.strokeStyle = grid;
      g.beginPath();
      g.moveTo(PAD.left, sy(t));
      g.lineTo(PAD.left + w, sy(t));
      g.stroke();
      axisText(fmt(t), PAD.left - 6, sy(t) + 4, 'right');
    }
    for (const t of ticks(s0, s1, 6)) if (Number.isInteger(t)) axisText(String(t), sx(t), HEIGHT - 8, 'center');
    axisText('step', PAD.left + w + 8, HEIGHT - 8, 'left');
    const n = PERCENTILES.length;
    for (let k = 0; k < Math.floor(n / 2); k++) {
      g.fillStyle = alpha(color, 0.16 + 0.14 * k);
      g.beginPath();
      pct.forEach((p, i) => (i === 0 ? g.moveTo(sx(valid[i].step), sy(p[k])) : g.lineTo(sx(valid[i].step), sy(p[k]))));
      for (let i = pct.length - 1; i >= 0; i--) g.lineTo(sx(valid[i].step), sy(pct[i][n - 1 - k]));
      g.closePath();
      g.fill();
    }
    g.strokeStyle = color;
    g.lineWidth = 1.5;
    g.beginPath();
    pct.forEach((p, i) => (i === 0 ? g.moveTo(sx(valid[i].step), sy(p[4])) : g.lineTo(sx(valid[i].step), sy(p[4]))));
    g.stroke();
    return (x) => {
      let best: HistogramAt | null = null;
      let d = Infinity;
      for (const v of valid) if (Math.abs(sx(v.step) - x) < d) [best, d] = [v, Math.abs(sx(v.step) - x)];
      return best;
    };
  }

  const sx = (v: number) => PAD.left + (vmax === vmin ? w / 2 : ((v - vmin) / (vmax - vmin)) * w);
  for (const t of ticks(vmin, vmax, 6)) {
    g.strokeStyle = grid;
    g.beginPath();
    g.moveTo(sx(t), PAD.top);
    g.lineTo(sx(t), PAD.top + h);
    g.stroke();
    axisText(fmt(t), sx(t), HEIGHT - 8, 'center');
  }
  // counts as density (per unit of value), so buckets of different widths compare fairly
  const density = (x: HistogramAt) => edges(x).map(([l, r], b) => x.counts[b] / Math.max(1e-12, r - l));
  const dens = valid.map(density);
  const n = valid.length;
  if (mode === 'overlay') {
    const dmax = Math.max(...dens.flat());
    const sy = (d: number) => PAD.top + h - (d / dmax) * h;
    valid.forEach((x, i) => {
      g.strokeStyle = alpha(color, 0.25 + 0.75 * ((i + 1) / n));
      g.lineWidth = i === n - 1 ? 2 : 1;
      g.beginPath();
      edges(x).forEach(([l, r], b) => {
        const m = (l + r) / 2;
        if (b === 0) g.moveTo(sx(m), sy(dens[i][b]));
        else g.lineTo(sx(m), sy(dens[i][b]));
      });
      g.stroke();
    });
    // the key ("lighter = earlier") is the card head's .hist-key: text in the canvas was clipped
    return () => valid[n - 1];
  }
  // offset: one ridge per step, the earliest at the top (back), the latest at the bottom (front)
  const rowGap = h / (n + 2);
  const ridge = rowGap * 3;
  const base = (i: number) => PAD.top + ridge + i * rowGap;
  valid.forEach((x, i) => {
    const dmax = Math.max(...dens[i]) || 1;
    const y0 = base(i);
    g.beginPath();
    g.moveTo(sx(x.left ?? vmin), y0);
    edges(x).forEach(([l, r], b) => g.lineTo(sx((l + r) / 2), y0 - (dens[i][b] / dmax) * ridge));
    g.lineTo(sx(x.limits[x.limits.length - 1]), y0);
    g.closePath();
    g.fillStyle = alpha(color, 0.12 + 0.5 * ((i + 1) / n));
    g.fill();
    g.strokeStyle = css('--card');
    g.lineWidth = 1;
    g.stroke();
    if (n <= 12 || i % Math.ceil(n / 10) === 0 || i === n - 1) axisText(String(x.step), PAD.left + w + 6, y0 + 3, 'left');
  });
  axisText('step', PAD.left + w + 6, PAD.top + 8, 'left');
  return (_x, y) => {
    const i = Math.max(0, Math.min(n - 1, Math.round((y - PAD.top - ridge) / rowGap)));
    return valid[i];
  };
}

type HistCard = HTMLElement & { reload: () => Promise<void>; redraw: () => void; range: () => [number, number] | null };

function histogramCard(runId: string, tag: string, shared: () => [number, number] | null, loaded: () => void): HistCard {
  const card = document.createElement('div') as unknown as HistCard;
  card.className = 'card hist-card';
  card.dataset.run = runId;
  card.dataset.tag = tag;
  card.innerHTML = `<div class="card-head"><span class="swatch" style="background:${runColor(runId)}"></span><span class="title" data-run-name="${runId}">${escapeHtml(app.runName(runId))}</span><span class="spacer"></span><span class="muted hist-key" title="Overlay: every step on one axis, the earlier ones lighter" hidden>lighter = earlier</span><span class="muted sub"></span></div>
    <canvas class="hist-canvas"></canvas><div class="stats muted"></div>`;
  const canvas = card.querySelector('canvas')!;
  const stats = card.querySelector<HTMLElement>('.stats')!;
  let hs: HistogramAt[] = [];
  let pick: (x: number, y: number) => HistogramAt | null = () => null;
  const describe = (x: HistogramAt | null) => {
    if (!x) return '';
    return `step ${x.step} · ${x.count.toLocaleString()} values · mean ${fmt(mean(x))} · std ${fmt(std(x))} · min ${fmt(x.min)} · max ${fmt(x.max)}`;
  };
  card.range = () => valueRange(hs);
  card.redraw = () => {
    const x = app.state.sharedX && app.state.histMode !== 'distribution' ? shared() : null;
    canvas.dataset.xmin = String(x?.[0] ?? valueRange(hs)?.[0] ?? '');
    canvas.dataset.xmax = String(x?.[1] ?? valueRange(hs)?.[1] ?? '');
    pick = draw(canvas, hs, app.state.histMode, runColor(runId), x);
    card.querySelector<HTMLElement>('.hist-key')!.hidden = app.state.histMode !== 'overlay';
    stats.textContent = describe(hs[hs.length - 1] ?? null);
  };
  card.reload = async () => {
    hs = await api.histograms(runId, tag);
    card.querySelector('.sub')!.textContent = `${hs.length} step${hs.length === 1 ? '' : 's'}`;
    card.redraw();
    loaded();
  };
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    stats.textContent = describe(pick(e.clientX - r.left, e.clientY - r.top));
  });
  canvas.addEventListener('mouseleave', () => (stats.textContent = describe(hs[hs.length - 1] ?? null)));
  return card;
}

export function mountHistograms(main: HTMLElement, settings: HTMLElement): () => void {
  settings.innerHTML = `<h3>Histograms</h3>
    <div class="setting"><span>Mode</span><div class="seg hist-mode">
      <button data-mode="offset" title="One ridge per step, later steps in front">Offset</button>
      <button data-mode="overlay" title="All steps on one axis, later steps darker">Overlay</button>
      <button data-mode="distribution" title="Percentile bands over steps (min, 7%, 16%, 31%, median, … , max)">Distribution</button></div></div>
    <label class="setting check" title="Every run's card of a tag on the same value axis, so that their spreads compare at a glance"><input type="checkbox" class="shared-x" /> Same x range for all runs</label>
    <p class="hint muted">Weights and gradients of every parameter, once per epoch: 30 equal-width buckets like TensorBoard. Hover a chart for the statistics of a step.</p>`;
  tagFilterSetting(settings);
  const sharedBox = settings.querySelector<HTMLInputElement>('.shared-x')!;
  sharedBox.checked = app.state.sharedX;
  sharedBox.addEventListener('change', () => app.set({ sharedX: sharedBox.checked }));
  const syncMode = () => settings.querySelectorAll<HTMLButtonElement>('.hist-mode button').forEach((b) => b.classList.toggle('active', b.dataset.mode === app.state.histMode));
  syncMode();
  settings.querySelector('.hist-mode')!.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-mode]');
    if (b) app.set({ histMode: b.dataset.mode as HistMode });
  });
  main.innerHTML = `<div class="view-msg muted"></div><div class="content"></div>`;
  const content = main.querySelector<HTMLElement>('.content')!;
  const cards = new Map<string, HistCard>();
  const ofTag = (tag: string) => [...cards.entries()].filter(([k]) => k.endsWith('\u0000' + tag)).map(([, c]) => c);
  const sharedRange = (tag: string): [number, number] | null => {
    const rs = ofTag(tag).map((c) => c.range()).filter((r): r is [number, number] => r !== null);
    return rs.length ? [Math.min(...rs.map((r) => r[0])), Math.max(...rs.map((r) => r[1]))] : null;
  };
  let last: Record<string, string[]> = {};
  const render = (tags: Record<string, string[]>, selected: string[]) => {
    last = tags;
    const names = matchingTags(Object.keys(tags));
    if (selected.length && names.length === 0) main.querySelector('.view-msg')!.textContent = 'The selected runs have no histograms yet: runs log their weights and gradients at the end of every epoch.';
    content.innerHTML = '';
    const keep = new Set<string>();
    const groups = new Map<string, string[]>();
    for (const t of names) {
      const grp = t.includes('/') ? t.slice(0, t.indexOf('/')) : 'other';
      if (!groups.has(grp)) groups.set(grp, []);
      groups.get(grp)!.push(t);
    }
    for (const [grp, groupTags] of groups) {
      const head = document.createElement('h2');
      head.className = 'section-title';
      head.textContent = grp;
      content.appendChild(head);
      for (const tag of groupTags) {
        const section = document.createElement('section');
        section.className = 'group';
        section.innerHTML = `<h2 class="group-head">${escapeHtml(tag)}</h2><div class="media-grid hist-grid"></div>`;
        for (const runId of selected.filter((r) => tags[tag].includes(r))) {
          const key = runId + '\u0000' + tag;
          let card = cards.get(key);
          if (!card) {
            card = histogramCard(runId, tag, () => sharedRange(tag), () => {
              if (app.state.sharedX) ofTag(tag).forEach((c) => c !== card && c.redraw());
            });
            cards.set(key, card);
          }
          keep.add(key);
          section.querySelector('.media-grid')!.appendChild(card);
          void card.reload();
        }
        content.appendChild(section);
      }
    }
    for (const k of [...cards.keys()]) if (!keep.has(k)) cards.delete(k);
  };
  return followTags(main.querySelector('.view-msg')!, (t, sel) => render(t.histograms, sel), (reason, detail) => {
    if (reason === 'state' && detail && 'sharedX' in (detail as object)) {
      sharedBox.checked = app.state.sharedX;
      cards.forEach((c) => c.redraw());
    }
    if (reason === 'state' && detail && 'histMode' in (detail as object)) {
      syncMode();
      cards.forEach((c) => c.redraw());
    }
    if (reason === 'state' && detail && 'tagFilter' in (detail as object)) render(last, app.selected());
    if (reason === 'theme' || reason === 'colors') cards.forEach((c) => c.redraw());
  });
}
