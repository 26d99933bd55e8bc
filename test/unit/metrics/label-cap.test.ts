import { describe, expect, it } from 'vitest';
import { createLabelCap, DEFAULT_MAX_LABEL_VALUES, OTHER_LABEL_VALUE, UNKNOWN_LABEL_VALUE } from '../../../src/metrics/label-cap.js';

describe('createLabelCap', () => {
  it('keeps the first N distinct values of a label and records later ones as `other`', () => {
    const cap = createLabelCap({ maxValues: 2 });
    expect(cap.value('developer', 'a@x')).toBe('a@x');
    expect(cap.value('developer', 'b@x')).toBe('b@x');
    expect(cap.value('developer', 'c@x')).toBe(OTHER_LABEL_VALUE);
    // Values already kept stay themselves after the cap is reached.
    expect(cap.value('developer', 'a@x')).toBe('a@x');
    expect(cap.value('developer', 'b@x')).toBe('b@x');
    expect(cap.value('developer', 'd@x')).toBe('other');
    expect(cap.size('developer')).toBe(2);
  });

  it('counts each label separately', () => {
    const cap = createLabelCap({ maxValues: 1 });
    expect(cap.value('developer', 'a@x')).toBe('a@x');
    expect(cap.value('repo', 'org/one')).toBe('org/one');
    expect(cap.value('repo', 'org/two')).toBe('other');
    expect(cap.value('developer', 'b@x')).toBe('other');
  });

  it('records a missing or empty value as `unknown`, which does not count towards the cap', () => {
    const cap = createLabelCap({ maxValues: 1 });
    expect(cap.value('repo', undefined)).toBe(UNKNOWN_LABEL_VALUE);
    expect(cap.value('repo', null)).toBe('unknown');
    expect(cap.value('repo', '')).toBe('unknown');
    expect(cap.size('repo')).toBe(0);
    expect(cap.value('repo', 'org/one')).toBe('org/one');
    expect(cap.value('repo', undefined)).toBe('unknown');
    expect(cap.value('repo', 'other')).toBe('other');
    expect(cap.size('repo')).toBe(1);
  });

  it('cuts long values so they cannot make huge labels', () => {
    const cap = createLabelCap({ maxLength: 8 });
    expect(cap.value('repo', 'github.com/org/very-long-name')).toBe('github.c');
  });

  it('defaults to 100 values per label', () => {
    expect(DEFAULT_MAX_LABEL_VALUES).toBe(100);
    const cap = createLabelCap();
    for (let i = 0; i < 100; i++) expect(cap.value('route', `r${i}`)).toBe(`r${i}`);
    expect(cap.value('route', 'r100')).toBe('other');
    expect(cap.size('route')).toBe(100);
  });

  it('refuses a negative or fractional cap', () => {
    expect(() => createLabelCap({ maxValues: -1 })).toThrow(RangeError);
    expect(() => createLabelCap({ maxValues: 1.5 })).toThrow(RangeError);
  });
});
