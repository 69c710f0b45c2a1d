import { describe, expect, it } from 'vitest';
import { percentile } from '../src/histo';
import { joinSeries, nearest } from '../src/join';
import { groupRuns, hparamsCsv, keyMetrics, sortRuns, varyingParams } from '../src/runsTable';
import type { HistogramAt, Run } from '../src/types';

describe('joinSeries', () => {
  it('aligns runs with different steps on the union of their x values', () => {
    const j = joinSeries([[1, 2, 4], [2, 3]], [[[10, 20, 40]], [[200, 300]]]);
    expect(j.x).toEqual([1, 2, 3, 4]);
    expect(j.ys[0][0]).toEqual([10, 20, null, 40]);
    expect(j.ys[1][0]).toEqual([null, 200, 300, null]);
  });

  it('finds the nearest point', () => {
    expect(nearest([1, 5, 10], 6)).toBe(1);
    expect(nearest([1, 5, 10], 8)).toBe(2);
    expect(nearest([], 8)).toBe(-1);
  });
});

describe('histogram percentiles', () => {
  it('interpolate inside buckets', () => {
    const h: HistogramAt = { step: 1, wallTime: 0, min: 0, max: 4, count: 4, sum: 8, sumSquares: 24, nonFinite: 0, left: 0, limits: [1, 2, 3, 4], counts: [1, 1, 1, 1] };
    expect(percentile(h, 0)).toBe(0);
    expect(percentile(h, 5000)).toBeCloseTo(2, 9);
    expect(percentile(h, 10000)).toBe(4);
  });
});

const r = (id: string, lr: string, acc: number, exp = 'e'): Run => ({
  id, experiment: exp, name: id, status: 'FINISHED', createdAt: '2026-01-0' + id.length + 'T00:00:00Z', startedAt: null, endedAt: null,
  durationSeconds: 1, seed: 1, device: 'cpu', message: null, params: { 'optimizer.lr': lr, 'model.plugin': 'mlp' },
  metrics: { 'epoch/test_accuracy': acc, 'epoch/samples_per_sec': 100 }, tags: [], notes: '',
});

describe('runs table', () => {
  const runs = [r('a', '0.1', 0.8, 'x'), r('b', '0.01', 0.9, 'y'), r('c', '0.5', 0.7, 'x')];
  it('sorts by metric or param, descending with -', () => {
    expect(sortRuns(runs, '-metric:epoch/test_accuracy').map((x) => x.id)).toEqual(['b', 'a', 'c']);
    expect(sortRuns(runs, 'param:optimizer.lr').map((x) => x.id)).toEqual(['b', 'a', 'c']);
  });
  it('groups by experiment keeping order', () => {
    expect(groupRuns(runs, 'experiment').map(([k, v]) => [k, v.map((x) => x.id)])).toEqual([['x', ['a', 'c']], ['y', ['b']]]);
  });
  it('picks varying params and evaluation metrics first', () => {
    expect(varyingParams(runs)).toEqual(['optimizer.lr']);
    expect(keyMetrics(runs)[0]).toBe('epoch/test_accuracy');
  });
  it('puts system/* metrics after every training metric', () => {
    const withSystem = runs.map((x) => ({ ...x, metrics: { 'system/rss_mb': 900, 'system/cpu_percent': 150, ...x.metrics, 'epoch/time_s': 2 } }));
    const picked = keyMetrics(withSystem, 10);
    expect(picked.slice(-2).every((k) => k.startsWith('system/'))).toBe(true);
    expect(picked.indexOf('epoch/time_s')).toBeLessThan(picked.indexOf('system/cpu_percent'));
  });
  it('exports HParams as CSV', () => {
    expect(hparamsCsv(runs.slice(0, 1), ['optimizer.lr'], ['epoch/test_accuracy'])).toBe('run_id,name,experiment,status,optimizer.lr,epoch/test_accuracy\na,a,x,FINISHED,0.1,0.8\n');
  });
});
