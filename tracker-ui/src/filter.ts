import type { Run } from './types';

/**
 * The runs filter: clauses joined by `and` / `&&`. A clause `key op value` compares a param, a
 * final metric or a run field (op: < <= > >= = == != ~ for regex); `key` may be a suffix of a
 * param name (`lr` for `optimizer.lr`) and may start with `params.` or `metrics.`. A clause
 * without an operator is a case-insensitive regex over name, experiment, id, status and tags.
 */
export interface RunFilter {
  match(run: Run): boolean;
  error: string | null;
}

const OPS = ['<=', '>=', '!=', '==', '=', '<', '>', '~'] as const;
type Op = (typeof OPS)[number];

interface Clause {
  test(run: Run): boolean;
}

export function parseFilter(text: string): RunFilter {
  const trimmed = text.trim();
  if (!trimmed) return { match: () => true, error: null };
  const clauses: Clause[] = [];
  try {
    for (const part of trimmed.split(/\s+and\s+|\s*&&\s*/i)) {
      if (part.trim()) clauses.push(parseClause(part.trim()));
    }
  } catch (e) {
    return { match: () => true, error: (e as Error).message };
  }
  return { match: (run) => clauses.every((c) => c.test(run)), error: null };
}

function parseClause(text: string): Clause {
  const m = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.\/\-\[\]:]+)\s*(<=|>=|!=|==|=|<|>|~)\s*(.+)$/.exec(text);
  if (!m) {
    let re: RegExp;
    try {
      re = new RegExp(text, 'i');
    } catch {
      throw new Error(`'${text}' is not a valid regular expression`);
    }
    return { test: (run) => [run.name, run.experiment, run.id, run.status, run.owner ?? '', ...run.tags].some((s) => re.test(s)) };
  }
  const key = m[1].replace(/^["']|["']$/g, '');
  const op = m[2] as Op;
  const raw = m[3].trim().replace(/^["']|["']$/g, '');
  let re: RegExp | null = null;
  if (op === '~') {
    try {
      re = new RegExp(raw, 'i');
    } catch {
      throw new Error(`'${raw}' is not a valid regular expression`);
    }
  }
  const num = Number(raw);
  return {
    test: (run) => {
      const v = lookup(run, key);
      if (v === undefined) return false;
      if (re) return v !== null && re.test(String(v));
      return compare(v, op, raw, num);
    },
  };
}

function compare(v: string | number | null, op: Op, raw: string, num: number): boolean {
  const n = typeof v === 'number' ? v : v === null ? NaN : Number(v);
  const numeric = raw !== '' && !Number.isNaN(num) && !Number.isNaN(n);
  if (op === '=' || op === '==') return numeric ? n === num : String(v) === raw;
  if (op === '!=') return numeric ? n !== num : String(v) !== raw;
  if (!numeric) {
    const s = String(v);
    return op === '<' ? s < raw : op === '<=' ? s <= raw : op === '>' ? s > raw : s >= raw;
  }
  return op === '<' ? n < num : op === '<=' ? n <= num : op === '>' ? n > num : n >= num;
}

/** A run's value for a filter or sort key, or undefined when it has none. */
export function lookup(run: Run, key: string): string | number | null | undefined {
  let scope: 'params' | 'metrics' | null = null;
  let k = key;
  if (k.startsWith('params.') || k.startsWith('param:')) {
    scope = 'params';
    k = k.replace(/^params\.|^param:/, '');
  } else if (k.startsWith('metrics.') || k.startsWith('metric:')) {
    scope = 'metrics';
    k = k.replace(/^metrics\.|^metric:/, '');
  }
  if (scope !== 'metrics') {
    if (k in run.params) return run.params[k];
    const suffix = Object.keys(run.params).filter((p) => p.endsWith('.' + k));
    if (suffix.length === 1) return run.params[suffix[0]];
  }
  if (scope !== 'params') {
    if (k in run.metrics) return run.metrics[k];
    const suffix = Object.keys(run.metrics).filter((p) => p.endsWith('/' + k));
    if (suffix.length === 1) return run.metrics[suffix[0]];
  }
  if (scope === null) {
    switch (k) {
      case 'name': return run.name;
      case 'experiment': return run.experiment;
      case 'status': return run.status;
      case 'device': return run.device;
      case 'id': return run.id;
      case 'duration': return run.durationSeconds;
      case 'tags': return run.tags.join(',');
      case 'notes': return run.notes;
      case 'seed': return run.seed;
      case 'owner': return run.owner ?? null;
    }
  }
  return undefined;
}
