import { describe, expect, it } from 'vitest';
import { check, CONTRACT } from '../contract/check.mjs';

// The checker that UiContractTest (platform/server) runs over the server's real answers: here on
// hand-written bodies, to show what it catches.
const series = { runId: 'a1', totalPoints: 3, windowPoints: 3, downsampled: false, steps: [0, 1, 2], wallTimes: [5, 6, 7], values: [1, null, 0.5], smoothed: [1, 1, 0.75] };
const scalars = (s: object) => JSON.stringify({ tag: 'loss', smoothing: 0.6, series: [s], missing: ['zz'] });
const detail = {
  id: 'a1', experiment: 'e', name: 'n', status: 'FINISHED', createdAt: 't', startedAt: null, endedAt: null, durationSeconds: null, seed: 1,
  device: 'cpu', specHash: '', specText: null, message: null, provenance: {}, params: {}, metrics: { loss: null }, series: [],
};

describe('the contract checker', () => {
  it('passes a body that fits its type', () => {
    expect(check(new Map([['dashboard-scalars', scalars(series)]]), { partial: true })).toEqual([]);
  }, 60_000);

  it('fails a renamed field', () => {
    const { totalPoints, ...rest } = series;
    const problems = check(new Map([['dashboard-scalars', scalars({ ...rest, totalPts: totalPoints })]]), { partial: true });
    expect(problems.join('\n')).toContain(`'"totalPts"' does not exist in type 'ChartSeries'`);
  }, 60_000);

  it('fails a value of the wrong kind and a missing required field', () => {
    const { runId, ...noId } = series;
    expect(runId).toBe('a1');
    expect(check(new Map([['dashboard-scalars', scalars({ ...series, values: ['x'] })]]), { partial: true }).join('\n')).toContain("'string' is not assignable");
    expect(check(new Map([['dashboard-scalars', scalars(noId)]]), { partial: true }).join('\n')).toContain("'runId' is missing");
  }, 60_000);

  it('lets an open type (the fields a page reads) carry more fields at the top, not fewer', () => {
    expect(check(new Map([['run-detail', JSON.stringify({ ...detail, owner: 'ana', extra: 1 })]]), { partial: true })).toEqual([]);
    const { specHash, ...missing } = detail;
    expect(specHash).toBe('');
    expect(check(new Map([['run-detail', JSON.stringify(missing)]]), { partial: true }).join('\n')).toContain("'specHash' is missing");
  }, 60_000);

  it('asks for every body of the contract unless partial', () => {
    expect(check(new Map()).length).toBe(CONTRACT.length);
  }, 60_000);
});
