import { describe, expect, it } from 'vitest';
import { parseFilter } from '../src/filter';
import type { Run } from '../src/types';

function run(name: string, params: Record<string, string>, metrics: Record<string, number>, extra: Partial<Run> = {}): Run {
  return {
    id: name + 'id', experiment: 'course', name, status: 'FINISHED', createdAt: '2026-01-01T00:00:00Z', startedAt: null,
    endedAt: null, durationSeconds: 10, seed: 1, device: 'cpu', message: null, params, metrics, tags: [], notes: '', ...extra,
  };
}

const a = run('mlp-a', { 'optimizer.lr': '0.1', 'model.plugin': 'mlp' }, { 'epoch/test_accuracy': 0.86, 'epoch/train_loss': 0.3 });
const b = run('softmax-b', { 'optimizer.lr': '0.01', 'model.plugin': 'softmax-regression' }, { 'epoch/test_accuracy': 0.82 }, { tags: ['baseline'] });

describe('parseFilter', () => {
  it('treats plain text as a case-insensitive regex over names, experiment and tags', () => {
    expect([a, b].filter(parseFilter('MLP').match)).toEqual([a]);
    expect([a, b].filter(parseFilter('^soft').match)).toEqual([b]);
    expect([a, b].filter(parseFilter('baseline').match)).toEqual([b]);
    expect([a, b].filter(parseFilter('').match)).toEqual([a, b]);
  });

  it('compares params and metrics, by full name or last part, joined by and', () => {
    expect([a, b].filter(parseFilter('optimizer.lr >= 0.05').match)).toEqual([a]);
    expect([a, b].filter(parseFilter('lr < 0.05').match)).toEqual([b]);
    expect([a, b].filter(parseFilter('test_accuracy > 0.85').match)).toEqual([a]);
    expect([a, b].filter(parseFilter('metrics.epoch/test_accuracy > 0.8 and model.plugin = mlp').match)).toEqual([a]);
    expect([a, b].filter(parseFilter('model.plugin ~ soft').match)).toEqual([b]);
    expect([a, b].filter(parseFilter('train_loss < 1').match)).toEqual([a]);
  });

  it('reports a bad regex instead of throwing', () => {
    const f = parseFilter('([');
    expect(f.error).toContain('not a valid regular expression');
    expect(f.match(a)).toBe(true);
  });
});
