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

/** The SVG's inner markup for `width` x `height` pixels. */
export function parallelMarkup(axes: PcAxis[], lines: PcLine[], width: number, height = PC_HEIGHT): string {
  const x = (i: number) => 60 + (axes.length === 1 ? 0 : (i * (width - 140)) / (axes.length - 1));
  const y = (p: number) => TOP + (1 - p) * (height - TOP - BOTTOM);
  let s = '';
  for (const l of lines) {
    const pts = l.positions.map((p, i) => [x(i), p] as const).filter(([, p]) => p !== null).map(([px, p]) => `${px},${y(p!)}`);
    if (pts.length < 2) continue;
    const extra = Object.entries(l.attrs ?? {}).map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`).join('');
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="${l.color}" stroke-width="${l.width}" opacity="${l.opacity}"${extra}><title>${escapeHtml(l.title)}</title></polyline>`;
  }
  axes.forEach((a, i) => {
    s += `<line class="axis" x1="${x(i)}" x2="${x(i)}" y1="${TOP}" y2="${height - BOTTOM}" />`;
    // names alternate between two rows so that neighbours do not overlap
    s += `<text x="${x(i)}" y="${TOP - (i % 2 ? 8 : 22)}" text-anchor="middle" font-weight="600"><title>${escapeHtml(a.label)}</title>${escapeHtml(a.label.length > 22 ? '…' + a.label.slice(-21) : a.label)}</text>`;
    for (const t of a.ticks) s += `<text x="${x(i) + 5}" y="${y(t.pos) + 4}">${escapeHtml(t.text)}</text>`;
  });
  return s;
}

/** Draws into `svg` at its current width. */
export function drawParallel(svg: SVGSVGElement, axes: PcAxis[], lines: PcLine[], height = PC_HEIGHT): void {
  const width = Math.max(400, svg.clientWidth || 900);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.innerHTML = parallelMarkup(axes, lines, width, height);
}
