import { escapeHtml } from './format';

/**
 * Parallel coordinates as SVG, shared by the HParams and Sweeps views: each view maps its values
 * to positions in [0, 1] (0 = bottom) on its own axes (linear, logarithmic or categorical) and
 * this draws the polylines, then the axes with their names and tick labels on top.
 */
export interface PcAxis {
  label: string;
  ticks: { pos: number; text: string }[];
}

export interface PcLine {
  /** one per axis; null where the line has no value (the line skips that axis) */
  positions: (number | null)[];
  color: string;
  width: number;
  opacity: number;
  title: string;
  /** extra attributes of the polyline, e.g. a class or data-* to find it again */
  attrs?: Record<string, string | number>;
}

export const PC_HEIGHT = 280;
const TOP = 44;
const BOTTOM = 30;

/** Where axis `i` of `n` stands in an SVG `width` wide. */
export const pcX = (i: number, n: number, width: number) => 60 + (n === 1 ? 0 : (i * (width - 140)) / (n - 1));
/** The y of position `p` (0 = bottom), and back. */
export const pcY = (p: number, height = PC_HEIGHT) => TOP + (1 - p) * (height - TOP - BOTTOM);
export const pcPos = (y: number, height = PC_HEIGHT) => Math.max(0, Math.min(1, 1 - (y - TOP) / (height - TOP - BOTTOM)));

/** The SVG's inner markup for `width` x `height` pixels. */
export function parallelMarkup(axes: PcAxis[], lines: PcLine[], width: number, height = PC_HEIGHT, brushes: ([number, number] | null)[] = []): string {
  const x = (i: number) => pcX(i, axes.length, width);
  const y = (p: number) => pcY(p, height);
  let s = '';
  for (const l of lines) {
    const pts = l.positions.map((p, i) => [x(i), p] as const).filter(([, p]) => p !== null).map(([px, p]) => `${px},${y(p!)}`);
    if (pts.length < 2) continue;
    const extra = Object.entries(l.attrs ?? {}).map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`).join('');
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="${l.color}" stroke-width="${l.width}" opacity="${l.opacity}"${extra}><title>${escapeHtml(l.title)}</title></polyline>`;
  }
  axes.forEach((a, i) => {
    s += `<line class="axis" x1="${x(i)}" x2="${x(i)}" y1="${TOP}" y2="${height - BOTTOM}" />`;
    const b = brushes[i];
    if (b) s += `<rect class="brush" x="${x(i) - 7}" width="14" y="${y(b[1])}" height="${Math.max(2, y(b[0]) - y(b[1]))}" fill="currentColor" opacity="0.18" data-axis="${i}"/>`;
    // names alternate between two rows so that neighbours do not overlap; the first and the last
    // are anchored inward so that the SVG's edge never cuts them
    const anchor = axes.length > 1 && i === 0 ? 'start' : axes.length > 1 && i === axes.length - 1 ? 'end' : 'middle';
    const tx = anchor === 'start' ? Math.max(4, x(i) - 56) : anchor === 'end' ? Math.min(width - 4, x(i) + 76) : x(i);
    s += `<text x="${tx}" y="${TOP - (i % 2 ? 8 : 22)}" text-anchor="${anchor}" font-weight="600"><title>${escapeHtml(a.label)}</title>${escapeHtml(a.label.length > 22 ? '…' + a.label.slice(-21) : a.label)}</text>`;
    for (const t of a.ticks) s += `<text x="${x(i) + 5}" y="${y(t.pos) + 4}">${escapeHtml(t.text)}</text>`;
  });
  return s;
}

/** Draws into `svg` at its current width. */
export function drawParallel(svg: SVGSVGElement, axes: PcAxis[], lines: PcLine[], height = PC_HEIGHT, brushes: ([number, number] | null)[] = []): number {
  const width = Math.max(400, svg.clientWidth || 900);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.innerHTML = parallelMarkup(axes, lines, width, height, brushes);
  return width;
}

/** A colour for t in [0, 1] on a perceptual blue-green-yellow scale (viridis' ends and middle). */
export function scaleColor(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
