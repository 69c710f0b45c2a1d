import { fmt } from './format';
import { ticks } from './histo';
import type { Goal, ParamValue, SweepParameter, Trial, TrialStatus } from './types';

/** Whether `a` beats `b` under the sweep's goal (ties do not). */
export const better = (a: number, b: number, goal: Goal): boolean => (goal === 'minimize' ? a < b : a > b);

/** A trial with a value that counts: finished, with a finite objective. */
const scored = (t: Trial): t is Trial & { value: number } => t.status === 'FINISHED' && typeof t.value === 'number' && Number.isFinite(t.value);

export interface BestPoint {
  trialNo: number;
  runId: string;
  value: number;
  /** the best value among this trial and every finished trial numbered before it */
  best: number;
}

/**
 * The best-so-far curve over trial numbers, as Optuna's optimization history: every finished
 * trial's value, and the best of those up to it under the goal. Pruned, failed and killed trials
 * do not count (a pruned trial's value is from an earlier step).
 */
export function bestSoFar(trials: Trial[], goal: Goal): BestPoint[] {
  const out: BestPoint[] = [];
  let best: number | null = null;
  for (const t of trials.filter(scored).sort((a, b) => a.trialNo - b.trialNo)) {
    if (best === null || better(t.value, best, goal)) best = t.value;
    out.push({ trialNo: t.trialNo, runId: t.runId, value: t.value, best });
  }
  return out;
}

/** The best finished trial (the earliest among equals), or null. */
export function bestTrial(trials: Trial[], goal: Goal): Trial | null {
  let best: (Trial & { value: number }) | null = null;
  for (const t of trials.filter(scored)) {
    if (best === null || better(t.value, best.value, goal) || (t.value === best.value && t.trialNo < best.trialNo)) best = t;
  }
  return best;
}

/** Identity of a sampled value (lists and strings included), to match it against a parameter's `values`. */
export const valueKey = (v: ParamValue | undefined): string => JSON.stringify(v ?? null);

/** A sampled value for people: numbers to 4 significant digits, lists as [8, 16]. */
export function valueLabel(v: ParamValue | undefined): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
  if (Array.isArray(v)) return `[${v.map(valueLabel).join(', ')}]`;
  return String(v);
}

export type AxisScale = 'linear' | 'log' | 'categorical';

/** An axis of the sweep's parallel coordinates. */
export interface SweepAxis {
  key: string;
  label: string;
  scale: AxisScale;
  min: number;
  max: number;
  /** categorical axes: the values' keys bottom to top, and their labels */
  categories: string[];
  categoryLabels: string[];
}

const numbers = (vs: (ParamValue | undefined)[]) => vs.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

function categorical(key: string, values: ParamValue[]): SweepAxis {
  // numbers read best in order (a grid may list learning rates high to low); other values keep the sweep file's order
  const ordered = values.every((v) => typeof v === 'number') ? [...values].sort((a, b) => (a as number) - (b as number)) : values;
  const unique = [...new Map(ordered.map((v) => [valueKey(v), v])).values()];
  return { key, label: key, scale: 'categorical', min: 0, max: 1, categories: unique.map(valueKey), categoryLabels: unique.map(valueLabel) };
}

function linear(key: string, min: number, max: number, scale: AxisScale = 'linear'): SweepAxis {
  return { key, label: key, scale, min, max, categories: [], categoryLabels: [] };
}

/**
 * One axis per swept parameter, from its distribution in the sweep file: its range for uniform
 * ones, a log scale for log-uniform ones, the listed values for categorical ones (plus any value a
 * trial has that the list lacks). Fixed values are not axes. A normal distribution's axis spans
 * mu ± 2 sigma and every sampled value.
 */
export function paramAxes(parameters: SweepParameter[], trials: Trial[]): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const p of parameters) {
    const sampled = trials.map((t) => t.params[p.path]).filter((v) => v !== undefined) as ParamValue[];
    const nums = numbers(sampled);
    switch (p.distribution) {
      case 'value':
        break;
      case 'categorical': {
        const listed = p.values ?? [];
        const keys = new Set(listed.map(valueKey));
        axes.push(categorical(p.path, [...listed, ...sampled.filter((v) => !keys.has(valueKey(v)))]));
        break;
      }
      case 'normal': {
        const mu = p.mu ?? 0;
        const sigma = p.sigma ?? 1;
        axes.push(linear(p.path, Math.min(mu - 2 * sigma, ...nums), Math.max(mu + 2 * sigma, ...nums)));
        break;
      }
      default:
        if (p.min !== undefined && p.max !== undefined) {
          const log = p.log === true || p.distribution === 'log_uniform';
          axes.push(linear(p.path, p.min, p.max, log && p.min > 0 ? 'log' : 'linear'));
        } else if (nums.length === sampled.length && nums.length > 0) {
          axes.push(linear(p.path, Math.min(...nums), Math.max(...nums)));
        } else {
          axes.push(categorical(p.path, sampled));
        }
    }
  }
  return axes;
}

/** The objective's axis: linear over the values shown. */
export function metricAxis(label: string, values: number[]): SweepAxis {
  const v = values.filter(Number.isFinite);
  return linear(label, v.length ? Math.min(...v) : 0, v.length ? Math.max(...v) : 1);
}

/** Where a value sits on an axis, in [0, 1] from the bottom; null when it cannot be placed. */
export function axisPosition(a: SweepAxis, v: ParamValue | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (a.scale === 'categorical') {
    const i = a.categories.indexOf(valueKey(v));
    if (i < 0) return null;
    return a.categories.length === 1 ? 0.5 : i / (a.categories.length - 1);
  }
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return null;
  if (a.scale === 'log') {
    if (n <= 0) return null;
    const lo = Math.log10(a.min);
    const hi = Math.log10(a.max);
    return hi === lo ? 0.5 : clamp((Math.log10(n) - lo) / (hi - lo));
  }
  return a.max === a.min ? 0.5 : clamp((n - a.min) / (a.max - a.min));
}

const clamp = (p: number) => Math.min(1, Math.max(0, p));

/** Tick labels of an axis: its ends, and between them round numbers (powers of ten on a log axis). */
export function axisTicks(a: SweepAxis): { pos: number; text: string }[] {
  if (a.scale === 'categorical') {
    // at most about 12 labels: every k-th value on long lists
    const every = Math.ceil(a.categories.length / 12);
    const n = a.categories.length;
    return a.categoryLabels.flatMap((text, i) => (i % every === 0 ? [{ pos: n === 1 ? 0.5 : i / (n - 1), text }] : []));
  }
  if (a.max === a.min) return [{ pos: 0.5, text: fmt(a.min) }];
  const inner = a.scale === 'log'
    ? range(Math.ceil(Math.log10(a.min)), Math.floor(Math.log10(a.max))).map((e) => Math.pow(10, e))
    : ticks(a.min, a.max, 4);
  const ends = [a.min, a.max].map((v) => ({ pos: axisPosition(a, v)!, text: fmt(v) }));
  // round numbers too close to an end would print over it
  const middle = inner.map((v) => ({ pos: axisPosition(a, v)!, text: fmt(v) })).filter((t) => t.pos > 0.08 && t.pos < 0.92);
  return [ends[0], ...middle, ends[1]];
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

const STATUS_ORDER: TrialStatus[] = ['RUNNING', 'QUEUED', 'FINISHED', 'PRUNED', 'FAILED', 'KILLED'];

function sortValue(t: Trial, key: string): number | string | null {
  switch (key) {
    case 'trial': return t.trialNo;
    case 'run': return t.runId;
    case 'status': return STATUS_ORDER.indexOf(t.status);
    // only finished trials' values compare: a pruned trial's is from an earlier step
    case 'value': return t.status === 'FINISHED' && typeof t.value === 'number' && Number.isFinite(t.value) ? t.value : null;
  }
  if (key.startsWith('param:')) {
    const v = t.params[key.slice(6)];
    if (v === undefined || v === null) return null;
    return typeof v === 'number' ? v : typeof v === 'string' ? v : valueKey(v);
  }
  return null;
}

/**
 * Sorts trials by `sort` (`trial`, `run`, `status`, `value`, `param:K`; `-` prefix = descending).
 * Trials without a value (by value: every trial but the finished ones) go last either way; equal ones stay in trial-number order. Numbers sort
 * before text.
 */
export function sortTrials(trials: Trial[], sort: string): Trial[] {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  return trials
    .map((t) => ({ t, v: sortValue(t, key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.t.trialNo - b.t.trialNo : a.v === null ? 1 : -1;
      let c: number;
      if (typeof a.v === 'number' && typeof b.v === 'number') c = a.v - b.v;
      else if (typeof a.v === 'number') c = -1;
      else if (typeof b.v === 'number') c = 1;
      else c = a.v.localeCompare(b.v, undefined, { numeric: true });
      return (desc ? -c : c) || a.t.trialNo - b.t.trialNo;
    })
    .map((x) => x.t);
}

/** Colour ramp from the worst value shown to the best (blue, purple, orange, yellow): readable on dark and light. */
const RAMP = ['#4e79a7', '#8e6bbf', '#e15759', '#f28e2b', '#e8b500'];

/** A value's colour: the best value shown gets the ramp's warm end under either goal. */
export function metricColor(value: number, min: number, max: number, goal: Goal): string {
  let t = max === min ? 1 : (value - min) / (max - min);
  if (goal === 'minimize') t = 1 - t;
  const x = clamp(t) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  return mix(RAMP[i], RAMP[i + 1], x - i);
}

/** The ramp as a CSS gradient, worst to best, for the plot's legend. */
export const RAMP_CSS = `linear-gradient(to right, ${RAMP.join(', ')})`;

function mix(a: string, b: string, f: number): string {
  const pa = parseInt(a.slice(1), 16);
  const pb = parseInt(b.slice(1), 16);
  const c = [16, 8, 0].map((s) => Math.round(((pa >> s) & 255) * (1 - f) + ((pb >> s) & 255) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}
