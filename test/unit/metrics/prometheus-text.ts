// Test helper: a strict parser of the Prometheus text exposition format 0.0.4.
// (The npm package `parse-prometheus-text-format` 1.1.1 was tried and dropped: it
// merges every labelled histogram series of a family into one and loses the labels.)
// Every line must be blank, a comment, `# HELP`/`# TYPE` of a valid name (TYPE at most
// once per family, before its samples), or a sample of a declared family with valid
// label names, escaped values and a number. Histogram series are checked for
// cumulative buckets ending in `+Inf` equal to `_count`.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMBER = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

export function parsePrometheusText(text: string): Family[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the text does not end with a newline');
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`${why}, line ${i + 1}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment (the exporter's `# UNIT` lines are comments in 0.0.4)
      const [, kind, name, rest = ''] = m;
      if (!NAME.test(name)) fail('bad metric name');
      const f = families.get(name) ?? { name, type: 'untyped' as Family['type'], help: '', samples: [] };
      if (kind === 'HELP') f.help = rest;
      else {
        if (families.has(name) && (f.samples.length > 0 || f.type !== 'untyped')) fail('TYPE repeated or after samples');
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) fail('bad TYPE');
        f.type = rest as Family['type'];
      }
      families.set(name, f);
      return;
    }
    const sample = parseSample(line, fail);
    const f = [...families.values()].find((x) => sample.name === x.name || (SUFFIXES[x.type] ?? []).some((s) => sample.name === x.name + s));
    if (!f) fail('sample of an undeclared family');
    if (f!.type === 'histogram' && sample.name === f!.name) fail('bare sample of a histogram');
    f!.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return [...families.values()];
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  const name = line.slice(0, i);
  if (!NAME.test(name)) fail('bad sample name');
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const eq = line.indexOf('=', i);
      if (eq < 0) fail('label without =');
      const label = line.slice(i, eq);
      if (!LABEL_NAME.test(label)) fail(`bad label name ${JSON.stringify(label)}`);
      if (line[eq + 1] !== '"') fail('unquoted label value');
      let v = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          const n = line[++j];
          if (n === 'n') v += '\n';
          else if (n === '\\' || n === '"') v += n;
          else fail('bad escape in label value');
        } else v += line[j];
      }
      if (j >= line.length) fail('unterminated label value');
      if (label in labels) fail(`label ${label} repeated`);
      labels[label] = v;
      i = j + 1;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') fail('expected , or }');
    }
    i++;
  }
  const rest = line.slice(i).split(' ');
  if (rest[0] !== '' || rest.length < 2 || rest.length > 3) fail('expected one space, a value and an optional timestamp');
  if (!NUMBER.test(rest[1])) fail('bad value');
  if (rest.length === 3 && !/^-?\d+$/.test(rest[2])) fail('bad timestamp');
  const value = rest[1].endsWith('Inf') ? (rest[1].startsWith('-') ? -Infinity : Infinity) : Number(rest[1]);
  return { name, labels, value };
}

function checkHistogram(f: Family): void {
  const key = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples.filter((x) => x.name === `${f.name}_count`)) {
    const buckets = f.samples.filter((b) => b.name === `${f.name}_bucket` && key(b.labels) === key(s.labels));
    if (buckets.length === 0 || buckets[buckets.length - 1].labels.le !== '+Inf') throw new Error(`${f.name}: series ${key(s.labels)} has no +Inf bucket last`);
    for (let k = 1; k < buckets.length; k++) {
      if (buckets[k].value < buckets[k - 1].value) throw new Error(`${f.name}: buckets not cumulative`);
      if (Number(buckets[k].labels.le) <= Number(buckets[k - 1].labels.le)) throw new Error(`${f.name}: le not increasing`);
    }
    if (buckets[buckets.length - 1].value !== s.value) throw new Error(`${f.name}: +Inf bucket differs from _count`);
  }
}

export function family(families: Family[], name: string): Family {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no metric family ${name}; have ${families.map((x) => x.name).join(', ')}`);
  return f;
}

// Samples named `sampleName` whose labels include `labels`.
export function samples(families: Family[], sampleName: string, labels: Record<string, string> = {}): Sample[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

// The sum of the matching samples' values (undefined when none match).
export function sampleValue(families: Family[], sampleName: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples(families, sampleName, labels);
  return found.length === 0 ? undefined : found.reduce((a, s) => a + s.value, 0);
}
