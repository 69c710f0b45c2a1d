/** Colours that stay distinct on dark and light backgrounds (Tableau 10 + 10 more). */
export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f',
];

const KEY = 'cairn.colors';

function custom(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}');
  } catch {
    return {};
  }
}

/** A run's colour: the one picked by the user, else a stable pick from the palette by its id. */
export function runColor(runId: string): string {
  const picked = custom()[runId];
  if (picked) return picked;
  let h = 0;
  for (let i = 0; i < runId.length; i++) h = (h * 31 + runId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function setRunColor(runId: string, color: string | null): void {
  const c = custom();
  if (color) c[runId] = color;
  else delete c[runId];
  localStorage.setItem(KEY, JSON.stringify(c));
}

/** `#rrggbb` with alpha as `rgba(...)`. */
export function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}
