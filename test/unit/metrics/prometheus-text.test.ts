// The strict test parser must itself refuse malformed exposition text.
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

describe('parsePrometheusText (test helper)', () => {
  it('parses counters and labelled histograms, series kept apart', () => {
    const f = parsePrometheusText(
      [
        '# HELP c_total A counter.',
        '# TYPE c_total counter',
        'c_total{a="x",b="q\\"uote\\\\"} 3',
        '# TYPE h histogram',
        'h_count{a="1"} 2',
        'h_sum{a="1"} 0.5',
        'h_bucket{a="1",le="0.1"} 1',
        'h_bucket{a="1",le="+Inf"} 2',
        'h_count{a="2"} 1',
        'h_sum{a="2"} 9',
        'h_bucket{a="2",le="0.1"} 0',
        'h_bucket{a="2",le="+Inf"} 1',
        '',
      ].join('\n'),
    );
    expect(sampleValue(f, 'c_total', { b: 'q"uote\\' })).toBe(3);
    expect(sampleValue(f, 'h_count', { a: '2' })).toBe(1);
    expect(sampleValue(f, 'h_bucket', { a: '1', le: '0.1' })).toBe(1);
  });

  it.each([
    ['a sample before its TYPE', 'x 1\n'],
    ['a bad metric name', '# TYPE 1x counter\n1x 1\n'],
    ['an unquoted label value', '# TYPE x counter\nx{a=b} 1\n'],
    ['a bad value', '# TYPE x counter\nx 1,5\n'],
    ['a missing final newline', '# TYPE x counter\nx 1'],
    ['a repeated TYPE', '# TYPE x counter\n# TYPE x counter\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_count 1\nh_sum 1\nh_bucket{le="1"} 1\n'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_count 1\nh_sum 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n'],
  ])('refuses %s', (_why, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
