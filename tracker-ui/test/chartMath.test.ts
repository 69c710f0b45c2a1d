import { describe, expect, it } from 'vitest';
import { axisSize, groupKey, groupStats, integerIncrs, quantile, robustRange, tickLabels } from '../src/chartMath';
import { assignColors, PALETTE, runColor, slotColor } from '../src/colors';
import { fmt, fmtParam } from '../src/format';

describe('robustRange', () => {
  it('ignores a first-step spike: the range is that of the other points', () => {
    const values = [1000, ...Array.from({ length: 99 }, (_, i) => 1 - i / 100)];
    const [lo, hi] = robustRange(values)!;
    expect(hi).toBeLessThan(2);
    expect(lo).toBeGreaterThan(-0.2);
    expect(lo).toBeLessThan(0.02);
  });
  it('keeps a spike off the axis even with 20 points', () => {
    const values = [1000, ...Array.from({ length: 19 }, (_, i) => 1 - i * 0.01)];
    expect(robustRange(values)![1]).toBeLessThan(2);
    expect(robustRange([1000, 1, 2])![1]).toBeGreaterThan(1000);
  });
  it('pads a constant series and skips nulls and non-finite values', () => {
    expect(robustRange([5, 5, null, NaN, Infinity])).toEqual([4.5, 5.5]);
    expect(robustRange([null])).toBeNull();
  });
  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });
});

describe('ticks', () => {
  it('offers only whole-number steps for a step or epoch axis', () => {
    const incrs = integerIncrs(1000);
    expect(incrs.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(incrs.every((i) => Number.isInteger(i))).toBe(true);
  });
  it('labels large values compactly and all ticks alike', () => {
    expect(tickLabels([0, 50000, 100000, 150000])).toEqual(['0', '50k', '100k', '150k']);
    expect(tickLabels([2_000_000, 2_500_000])).toEqual(['2.0M', '2.5M']);
    expect(tickLabels([0.25, 0.5, 0.75, 1])).toEqual(['0.25', '0.50', '0.75', '1.00']);
    expect(tickLabels([1, 2, 3])).toEqual(['1', '2', '3']);
  });
  it('sizes the axis for its widest label', () => {
    expect(axisSize(['1'])).toBe(40);
    expect(axisSize(['150k'])).toBe(46);
    expect(axisSize(['0.000125', '0.000250'])).toBeGreaterThan(axisSize(['1', '2']));
  });
});

describe('groupStats', () => {
  it('takes mean, min, max and std across runs at each x', () => {
    const g = groupStats([[0, 1], [0, 1]], [[1, 3], [3, 5]]);
    expect(g.x).toEqual([0, 1]);
    expect(g.mean).toEqual([2, 4]);
    expect(g.min).toEqual([1, 3]);
    expect(g.max).toEqual([3, 5]);
    expect(g.std).toEqual([1, 1]);
    expect(g.count).toEqual([2, 2]);
  });
  it('interpolates runs logged at other steps, and leaves x outside a run out', () => {
    const g = groupStats([[0, 10], [5, 20]], [[0, 10], [100, 100]]);
    expect(g.x).toEqual([0, 5, 10, 20]);
    expect(g.count).toEqual([1, 2, 2, 1]);
    expect(g.mean[1]).toBe((5 + 100) / 2);
    expect(g.mean[3]).toBe(100);
  });
  it('groups runs by a param, their tags or a tag', () => {
    const run = { params: { 'optimizer.lr': '0.1' }, tags: ['b', 'a'], experiment: 'e', status: 'FINISHED' };
    expect(groupKey(run, 'param:optimizer.lr')).toBe('0.1');
    expect(groupKey(run, 'param:seed')).toBe('(none)');
    expect(groupKey(run, 'tags')).toBe('a, b');
    expect(groupKey(run, 'tag:a')).toBe('a');
    expect(groupKey(run, 'tag:c')).toBe('not c');
  });
});

describe('colours', () => {
  it('gives every selected run its own colour, kept while it stays selected', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `run${i}`);
    assignColors(ids);
    const colours = ids.map(runColor);
    expect(new Set(colours).size).toBe(40);
    expect(colours.slice(0, PALETTE.length)).toEqual(PALETTE);
    // dropping one run keeps everyone else's colour; a new run takes the freed one
    assignColors([...ids.slice(1), 'new']);
    expect(ids.slice(1).map(runColor)).toEqual(colours.slice(1));
    expect(runColor('new')).toBe(colours[0]);
  });
  it('spreads colours beyond the palette without repeats', () => {
    const extra = Array.from({ length: 60 }, (_, i) => slotColor(PALETTE.length + i));
    expect(new Set(extra).size).toBe(60);
    expect(extra.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
  });
});

describe('number formatting', () => {
  it('formats numeric params like metrics and leaves text alone', () => {
    expect(fmtParam('0.008268963422036325')).toBe('0.008269');
    expect(fmtParam('adam')).toBe('adam');
    expect(fmtParam('[8, 8]')).toBe('[8, 8]');
    expect(fmtParam(undefined)).toBe('–');
    expect(fmt(150000)).toBe('150000');
  });
});
