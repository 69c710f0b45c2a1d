import { describe, expect, it } from 'vitest';
import { axisPosition, axisTicks, bestSoFar, bestTrial, metricColor, paramAxes, sortTrials, valueLabel } from '../src/sweeps';
import type { SweepParameter, Trial, TrialStatus } from '../src/types';

function trial(trialNo: number, status: TrialStatus, value: number | null, params: Trial['params'] = {}): Trial {
  return {
    trialNo, runId: `run${trialNo}`, status, params, value, step: value === null ? null : 5, prunedStep: status === 'PRUNED' ? 2 : null,
    attempts: 1, worker: 'local-0', message: null, createdAt: null, dispatchedAt: null, runningAt: null, firstMetricAt: null, firstStoredAt: null, endedAt: null,
  };
}

describe('best so far', () => {
  const trials = [trial(3, 'FINISHED', 0.5), trial(1, 'FINISHED', 0.8), trial(2, 'PRUNED', 0.1), trial(4, 'FINISHED', 0.6), trial(5, 'RUNNING', null), trial(6, 'FINISHED', 0.3)];

  it('keeps the lowest value so far when minimizing, in trial order, counting finished trials only', () => {
    expect(bestSoFar(trials, 'minimize').map((p) => [p.trialNo, p.value, p.best])).toEqual([[1, 0.8, 0.8], [3, 0.5, 0.5], [4, 0.6, 0.5], [6, 0.3, 0.3]]);
  });

  it('keeps the highest value so far when maximizing', () => {
    expect(bestSoFar(trials, 'maximize').map((p) => p.best)).toEqual([0.8, 0.8, 0.8, 0.8]);
  });

  it('ignores values that are not finite', () => {
    expect(bestSoFar([trial(1, 'FINISHED', NaN), trial(2, 'FINISHED', 2)], 'minimize').map((p) => p.trialNo)).toEqual([2]);
    expect(bestSoFar([], 'minimize')).toEqual([]);
  });

  it('names the best finished trial under the goal, the earliest among equals', () => {
    expect(bestTrial(trials, 'minimize')!.trialNo).toBe(6);
    expect(bestTrial(trials, 'maximize')!.trialNo).toBe(1);
    expect(bestTrial([trial(2, 'FINISHED', 1), trial(1, 'FINISHED', 1)], 'minimize')!.trialNo).toBe(1);
    expect(bestTrial([trial(1, 'PRUNED', 0.1)], 'minimize')).toBeNull();
  });
});

describe('parallel-coordinate axes', () => {
  const parameters: SweepParameter[] = [
    { path: 'optimizer.lr', distribution: 'log_uniform', min: 0.001, max: 0.1, log: true },
    { path: 'model.hidden', distribution: 'categorical', values: [[4], [8]] },
    { path: 'dataset.batchSize', distribution: 'categorical', values: [256, 32, 64] },
    { path: 'dropout', distribution: 'uniform', min: 0, max: 0.5 },
    { path: 'seed', distribution: 'value', value: 7 },
    { path: 'init', distribution: 'normal', mu: 0, sigma: 1 },
  ];
  const trials = [trial(1, 'FINISHED', 1, { 'optimizer.lr': 0.01, 'model.hidden': [8], 'dataset.batchSize': 64, dropout: 0.25, init: 3 })];
  const axes = paramAxes(parameters, trials);
  const axis = (key: string) => axes.find((a) => a.key === key)!;

  it('come from the sweep parameters: fixed values are no axis', () => {
    expect(axes.map((a) => [a.key, a.scale])).toEqual([
      ['optimizer.lr', 'log'], ['model.hidden', 'categorical'], ['dataset.batchSize', 'categorical'], ['dropout', 'linear'], ['init', 'linear'],
    ]);
  });

  it('place log-uniform values in log space over the range', () => {
    expect(axisPosition(axis('optimizer.lr'), 0.01)).toBeCloseTo(0.5, 10);
    expect(axisPosition(axis('optimizer.lr'), 0.001)).toBe(0);
    expect(axisPosition(axis('optimizer.lr'), 0.1)).toBe(1);
    expect(axisPosition(axis('optimizer.lr'), 0)).toBeNull();
    expect(axisTicks(axis('optimizer.lr')).map((t) => [t.text, Number(t.pos.toFixed(3))])).toEqual([['0.001', 0], ['0.01', 0.5], ['0.1', 1]]);
  });

  it('place linear values over the range', () => {
    expect(axisPosition(axis('dropout'), 0.25)).toBe(0.5);
    expect(axisTicks(axis('dropout')).map((t) => t.text)).toEqual(['0', '0.2', '0.4', '0.5']);
    // a normal distribution spans mu +- 2 sigma and every sampled value
    expect([axis('init').min, axis('init').max]).toEqual([-2, 3]);
  });

  it('space categories evenly: lists by their value, numbers in order', () => {
    expect(axisPosition(axis('model.hidden'), [8])).toBe(1);
    expect(axisPosition(axis('model.hidden'), [4])).toBe(0);
    expect(axisPosition(axis('model.hidden'), [16])).toBeNull();
    expect(axis('dataset.batchSize').categoryLabels).toEqual(['32', '64', '256']);
    expect(axisPosition(axis('dataset.batchSize'), 64)).toBe(0.5);
    expect(axisTicks(axis('model.hidden')).map((t) => t.text)).toEqual(['[4]', '[8]']);
  });

  it('add a sampled value that the list lacks', () => {
    const a = paramAxes([{ path: 'act', distribution: 'categorical', values: ['relu', 'tanh'] }], [trial(1, 'FINISHED', 1, { act: 'gelu' })])[0];
    expect(a.categories).toEqual(['"relu"', '"tanh"', '"gelu"']);
  });
});

describe('trials table sort', () => {
  const trials = [
    trial(1, 'FINISHED', 0.5, { lr: 0.1, act: 'tanh' }),
    trial(2, 'PRUNED', 0.9, { lr: 0.001, act: 'relu' }),
    trial(3, 'RUNNING', null, { lr: 0.01, act: 'relu' }),
    trial(4, 'FINISHED', 0.2, { lr: 0.03, act: 'tanh' }),
  ];
  const order = (sort: string) => sortTrials(trials, sort).map((t) => t.trialNo);

  it('sorts by value either way, trials that did not finish last', () => {
    expect(order('value')).toEqual([4, 1, 2, 3]);
    expect(order('-value')).toEqual([1, 4, 2, 3]);
  });

  it('sorts params as numbers, text as text, ties in trial order', () => {
    expect(order('param:lr')).toEqual([2, 3, 4, 1]);
    expect(order('-param:lr')).toEqual([1, 4, 3, 2]);
    expect(order('param:act')).toEqual([2, 3, 1, 4]);
    expect(order('-trial')).toEqual([4, 3, 2, 1]);
    expect(order('status')).toEqual([3, 1, 4, 2]);
  });
});

describe('labels and colours', () => {
  it('print sampled values briefly', () => {
    expect(valueLabel(0.0003)).toBe('0.0003');
    expect(valueLabel(0.012345678)).toBe('0.01235');
    expect(valueLabel([64, 32])).toBe('[64, 32]');
    expect(valueLabel(undefined)).toBe('–');
  });

  it('give the best value the warm end of the ramp under either goal', () => {
    expect(metricColor(0, 0, 1, 'minimize')).toBe('#e8b500');
    expect(metricColor(1, 0, 1, 'minimize')).toBe('#4e79a7');
    expect(metricColor(1, 0, 1, 'maximize')).toBe('#e8b500');
    expect(metricColor(5, 5, 5, 'maximize')).toBe('#e8b500');
  });
});
