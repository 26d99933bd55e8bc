// Bounds the number of distinct values a metric label can take, so a gateway that
// sees thousands of developers or repos cannot blow up its Prometheus series count.
// Per label name, the first `maxValues` distinct values seen by this process are kept
// as they are; every later new value is recorded as `other`. A missing or empty value
// is `unknown`. Neither `other` nor `unknown` counts towards the cap. Values longer
// than `maxLength` characters are cut (a long repo URL must not become a huge label).

export const OTHER_LABEL_VALUE = 'other';
export const UNKNOWN_LABEL_VALUE = 'unknown';
export const DEFAULT_MAX_LABEL_VALUES = 100;
export const DEFAULT_MAX_LABEL_LENGTH = 128;

export interface LabelCap {
  // The value to record for `label`: the value itself, `other` past the cap, or `unknown`.
  value(label: string, raw: string | undefined | null): string;
  // How many distinct values `label` has kept so far.
  size(label: string): number;
}

export function createLabelCap(opts: { maxValues?: number; maxLength?: number } = {}): LabelCap {
  const maxValues = opts.maxValues ?? DEFAULT_MAX_LABEL_VALUES;
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LABEL_LENGTH;
  if (!Number.isInteger(maxValues) || maxValues < 0) throw new RangeError(`maxLabelValues must be a non-negative integer, got ${maxValues}`);
  const seen = new Map<string, Set<string>>();
  return {
    value(label, raw) {
      if (raw === undefined || raw === null || raw === '') return UNKNOWN_LABEL_VALUE;
      const v = raw.length > maxLength ? raw.slice(0, maxLength) : raw;
      if (v === OTHER_LABEL_VALUE || v === UNKNOWN_LABEL_VALUE) return v;
      let values = seen.get(label);
      if (!values) seen.set(label, (values = new Set()));
      if (values.has(v)) return v;
      if (values.size >= maxValues) return OTHER_LABEL_VALUE;
      values.add(v);
      return v;
    },
    size(label) {
      return seen.get(label)?.size ?? 0;
    },
  };
}
