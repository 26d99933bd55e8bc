import { describe, expect, it } from 'vitest';
import { createTokenCalibration } from '../../../src/tokens/token-calibration.js';

describe('createTokenCalibration', () => {
  it('keeps a ratio of actual to estimated per provider: a plain mean at first', () => {
    const cal = createTokenCalibration({ alpha: 0.1 });
    cal.recordActual('anthropic', 1000, 1200);
    cal.recordActual('anthropic', 1000, 1100);
    cal.recordActual('openai', 2000, 2000);
    expect(cal.ratios()).toEqual({ anthropic: { ratio: 1.15, samples: 2 }, openai: { ratio: 1, samples: 1 } });
  });

  it('then follows drift as an exponentially weighted mean', () => {
    const cal = createTokenCalibration({ alpha: 0.1 });
    for (let i = 0; i < 10; i++) cal.recordActual('google', 100, 100);
    cal.recordActual('google', 100, 200);
    expect(cal.ratios().google.ratio).toBeCloseTo(1.1, 10);
    for (let i = 0; i < 200; i++) cal.recordActual('google', 100, 150);
    expect(cal.ratios().google.ratio).toBeCloseTo(1.5, 3);
  });

  it('ignores samples that say nothing (failed requests report 0 tokens)', () => {
    const cal = createTokenCalibration();
    cal.recordActual('openai', 1000, 0);
    cal.recordActual('openai', 0, 1000);
    cal.recordActual('openai', Number.NaN, 1000);
    expect(cal.ratios()).toEqual({});
  });

  it('adjust applies a ratio once it has enough samples', () => {
    const cal = createTokenCalibration({ minSamples: 3 });
    cal.recordActual('mistral', 1000, 1300);
    cal.recordActual('mistral', 1000, 1300);
    expect(cal.adjust('mistral', 10_000)).toBe(10_000);
    cal.recordActual('mistral', 1000, 1300);
    expect(cal.adjust('mistral', 10_000)).toBe(13_000);
    expect(cal.adjust('unknown', 10_000)).toBe(10_000);
  });

  it('reports copies, not its state', () => {
    const cal = createTokenCalibration();
    cal.recordActual('openai', 10, 11);
    cal.ratios().openai.ratio = 99;
    expect(cal.ratios().openai.ratio).toBeCloseTo(1.1, 10);
  });
});

describe('token calibration: misreported usage', () => {
  it('ignores samples more than 3× off (an upstream misreporting usage cannot inflate every later estimate)', () => {
    const cal = createTokenCalibration({ minSamples: 1 });
    for (let i = 0; i < 50; i++) cal.recordActual('p', 100, 1200);
    expect(cal.ratios().p).toBeUndefined();
    expect(cal.adjust('p', 100_000)).toBe(100_000);
    cal.recordActual('p', 100, 120);
    expect(cal.adjust('p', 100_000)).toBe(120_000);
  });
});
