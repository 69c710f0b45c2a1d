import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseHash, toHash } from '../src/state';

describe('deep links', () => {
  it('round-trip the view, runs and settings', () => {
    const s = { ...DEFAULTS, view: 'scalars' as const, runs: ['abc', 'def'], smoothing: 0.85, x: 'wall' as const, logY: true, tagFilter: 'loss', pinned: ['train/loss'] };
    const hash = toHash(s);
    expect(hash).toBe('#/scalars?runs=abc,def&smooth=0.85&x=wall&logy=1&tags=loss&pin=train/loss');
    expect(parseHash(hash)).toEqual(s);
  });

  it('write nothing for defaults and ignore bad values', () => {
    expect(toHash(DEFAULTS)).toBe('#/scalars');
    const s = parseHash('#/nope?smooth=3&x=sideways&runs=');
    expect(s.view).toBe('scalars');
    expect(s.smoothing).toBe(0.6);
    expect(s.x).toBe('step');
    expect(s.runs).toEqual([]);
  });

  it('hold the sweep and the trials sort of the Sweeps view', () => {
    const s = { ...DEFAULTS, view: 'sweeps' as const, sweep: 'abc123', trialSort: '-value' };
    expect(toHash(s)).toBe('#/sweeps?sweep=abc123&tsort=-value');
    expect(parseHash('#/sweeps?sweep=abc123&tsort=-value')).toEqual(s);
    expect(parseHash('#/sweeps').trialSort).toBe('trial');
  });
});

describe('run page links', () => {
  it('round-trip #/run/ID and leave other views alone', () => {
    const s = parseHash('#/run/ab12cd');
    expect(s.view).toBe('run');
    expect(s.runPage).toBe('ab12cd');
    expect(toHash(s)).toBe('#/run/ab12cd');
    expect(parseHash('#/run').view).toBe('scalars');
    expect(toHash({ ...s, view: 'scalars' })).toBe('#/scalars');
  });
});
