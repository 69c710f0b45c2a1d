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

/** Colour number `slot`: the palette first, then hues spread by the golden angle (never a repeat). */
export function slotColor(slot: number): string {
  if (slot < PALETTE.length) return PALETTE[slot];
  const k = slot - PALETTE.length;
  const hue = (k * 137.508 + 15) % 360;
  const light = [0.55, 0.42, 0.68][Math.floor(k / 7) % 3];
  return hslToHex(hue, 0.62, light);
}

export function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The colour slot of each selected run: kept while the run stays selected. */
const slots = new Map<string, number>();
let slotsKey = '';

/**
 * Gives every selected run its own colour: a run keeps its slot while it stays selected, a newly
 * selected run takes the lowest free slot, and unselected runs give theirs back.
 */
export function assignColors(selected: string[]): void {
  const key = selected.join(',');
  if (key === slotsKey) return;
  slotsKey = key;
  const keep = new Set(selected);
  for (const id of [...slots.keys()]) if (!keep.has(id)) slots.delete(id);
  const used = new Set(slots.values());
  let next = 0;
  for (const id of selected) {
    if (slots.has(id)) continue;
    while (used.has(next)) next++;
    slots.set(id, next);
    used.add(next);
  }
}

/** A run's colour: the one picked by the user, else its selection slot's, else a pick by its id. */
export function runColor(runId: string): string {
  const picked = custom()[runId];
  if (picked) return picked;
  const slot = slots.get(runId);
  if (slot !== undefined) return slotColor(slot);
  let h = 0;
  for (let i = 0; i < runId.length; i++) h = (h * 31 + runId.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** The colour of group number `i` (Scalars grouped by a param or tag). */
export const groupColor = (i: number) => slotColor(i);

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
