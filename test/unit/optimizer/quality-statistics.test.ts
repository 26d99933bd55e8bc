import { describe, expect, it } from 'vitest';
import {
  differenceBounds,
  differenceLowerBound,
  mean,
  normalCdf,
  normalInterval,
  normalQuantile,
  summarize,
  variance,
  wilsonInterval,
} from '../../../optimizer/quality-statistics.js';

describe('quality statistics', () => {
  it('mean and sample variance (n − 1) of known values, exact to 1e-12', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1])).toBeNull();
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12);
    expect(summarize([0, 1, 0, 1])).toEqual({ n: 4, mean: 0.5, variance: 1 / 3 });
  });

  it('normal quantiles match the tables to 1e-6', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });

  it('Wilson interval: 50/100 at 95% is [0.4038, 0.5962], 0/10 is [0, 0.2775] (to 1e-4)', () => {
    const a = wilsonInterval(0.5, 100, 0.95);
    expect(a.low).toBeCloseTo(0.4038, 4);
    expect(a.high).toBeCloseTo(0.5962, 4);
    const b = wilsonInterval(0, 10, 0.95);
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.2775, 4);
    const c = wilsonInterval(1, 30, 0.95);
    expect(c.high).toBe(1);
    expect(c.low).toBeCloseTo(0.8865, 4);
    expect(wilsonInterval(0.5, 0)).toEqual({ low: 0, high: 1 });
  });

  it('normal interval: mean 0.8, variance 0.04, n 100 at 95% is 0.8 ± 0.0392 (to 1e-4)', () => {
    const i = normalInterval({ n: 100, mean: 0.8, variance: 0.04 }, 0.95)!;
    expect(i.low).toBeCloseTo(0.7608, 4);
    expect(i.high).toBeCloseTo(0.8392, 4);
    expect(normalInterval({ n: 1, mean: 0.8, variance: null })).toBeNull();
  });

  it('difference of means: 0.9 (var 0.09) − 0.8 (var 0.16), n 100 each, one-sided 95% bounds 0.1 ∓ 1.6449·0.05 (to 1e-4)', () => {
    const a = { n: 100, mean: 0.9, variance: 0.09 };
    const b = { n: 100, mean: 0.8, variance: 0.16 };
    const d = differenceBounds(a, b, 0.95)!;
    expect(d.difference).toBeCloseTo(0.1, 12);
    expect(d.standardError).toBeCloseTo(0.05, 12);
    expect(d.low).toBeCloseTo(0.1 - 1.644854 * 0.05, 4);
    expect(d.high).toBeCloseTo(0.1 + 1.644854 * 0.05, 4);
    expect(differenceLowerBound(a, b, 0.95)).toBeCloseTo(0.017757, 4);
    expect(differenceBounds({ n: 1, mean: 1, variance: null }, b)).toBeNull();
  });
});
