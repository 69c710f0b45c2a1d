import { describe, expect, it } from 'vitest';
import { debiasedEma } from '../src/smoothing';

describe('debiasedEma', () => {
  it('matches TensorBoard: the first point is the value itself, then a debiased average', () => {
    const out = debiasedEma([1, 2, 3], 0.6);
    expect(out[0]).toBeCloseTo(1, 12);
    // last = 0.6*0.4 + 0.4*2 = 1.04; debias 1 - 0.36 = 0.64
    expect(out[1]).toBeCloseTo(1.04 / 0.64, 12);
    // last = 1.04*0.6 + 0.4*3 = 1.824; debias 1 - 0.216 = 0.784
    expect(out[2]).toBeCloseTo(1.824 / 0.784, 12);
  });

  it('gives the same vector as the server (SmoothingTest in platform/tracking)', () => {
    const out = debiasedEma([10, 0, 10, 0, 10], 0.5);
    expect(out.map((v) => Number(v!.toFixed(10)))).toEqual([10, 3.3333333333, 7.1428571429, 3.3333333333, 6.7741935484]);
  });

  it('leaves weight 0, constant series and non-finite values alone', () => {
    expect(debiasedEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(debiasedEma([5, 5, 5], 0.9)).toEqual([5, 5, 5]);
    const out = debiasedEma([1, null, NaN, 1], 0.6);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo(1, 12);
  });
});
