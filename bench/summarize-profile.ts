// `npx tsx bench/summarize-profile.ts <file.cpuprofile> [top]`: the functions with the most
// self time in a V8 CPU profile (`node --cpu-prof`), with file:line, then self time summed
// per file and per area (the gateway's code, each dependency, Node's internals, GC, idle).
// Percentages are of the busy time (everything but `(idle)`).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number; // 0-based
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeRow {
  name: string;
  where: string;
  area: string;
  ms: number;
  share: number; // of busy time
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  idleMs: number;
  top: SelfTimeRow[];
  byFile: { where: string; ms: number; share: number }[];
  byArea: { area: string; ms: number; share: number }[];
  // Time with at least one frame of the area on the stack (callees included, so shares overlap).
  inclusiveByArea: { area: string; ms: number; share: number }[];
}

const root = relative(process.cwd(), fileURLToPath(new URL('..', import.meta.url))) || '.';

function location(frame: CallFrame): string {
  let url = frame.url;
  if (url.startsWith('file://')) url = fileURLToPath(url);
  if (url.startsWith('/')) url = relative(process.cwd(), url);
  return url;
}

function areaOf(frame: CallFrame, where: string): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native/V8 builtins)';
  if (where.startsWith('node:')) return 'node: internals';
  const nm = where.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = where.slice(nm + 'node_modules/'.length).split('/');
    return `dep: ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const m = where.match(/(?:^|\/)dist\/(src\/[^/]+|[^/]+)/);
  if (m) return `gateway: ${m[1]}`;
  return where;
}

export function summarizeProfile(profile: CpuProfile, topN = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before samples[i]; the sample's own duration is the next delta.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, dt));
  }
  const fns = new Map<string, { name: string; where: string; area: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    totalUs += us;
    if (callFrame.functionName === '(idle)') idleUs += us;
    const file = location(callFrame);
    const where = file ? `${file}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}` : '';
    const key = `${callFrame.functionName}@${where}`;
    const row = fns.get(key) ?? { name: callFrame.functionName || '(anonymous)', where, area: areaOf(callFrame, file), us: 0 };
    row.us += us;
    fns.set(key, row);
  }
  const busyUs = totalUs - idleUs || 1;
  // Inclusive: walk each sampled node's stack once, crediting every area found on it.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const areas = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { callFrame } = byId.get(cur)!;
      if (callFrame.url) areas.add(areaOf(callFrame, location(callFrame)));
    }
    for (const a of areas) inclusive.set(a, (inclusive.get(a) ?? 0) + us);
  }
  const rows = [...fns.values()].filter((r) => r.name !== '(idle)').sort((a, b) => b.us - a.us);
  const sum = (key: (r: (typeof rows)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.us);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  };
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    top: rows.slice(0, topN).map((r) => ({ name: r.name, where: r.where, area: r.area, ms: r.us / 1000, share: r.us / busyUs })),
    byFile: sum((r) => r.where.replace(/:\d+:\d+$/, '') || r.name)
      .slice(0, 12)
      .map(([where, us]) => ({ where, ms: us / 1000, share: us / busyUs })),
    byArea: sum((r) => r.area)
      .slice(0, 15)
      .map(([area, us]) => ({ area, ms: us / 1000, share: us / busyUs })),
    inclusiveByArea: [...inclusive.entries()]
      .filter(([a]) => !a.startsWith('node:'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([area, us]) => ({ area, ms: us / 1000, share: us / busyUs })),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [];
  out.push(`profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy, ${(s.idleMs / 1000).toFixed(1)} s idle; shares are of busy time\n`);
  out.push('| # | self ms | self % | function | file:line:col |', '|---:|---:|---:|---|---|');
  s.top.forEach((r, i) => out.push(`| ${i + 1} | ${r.ms.toFixed(0)} | ${pct(r.share)} | \`${r.name}\` | ${r.where || '—'} |`));
  out.push('', '| area (self time summed) | ms | % |', '|---|---:|---:|');
  for (const a of s.byArea) out.push(`| ${a.area} | ${a.ms.toFixed(0)} | ${pct(a.share)} |`);
  out.push('', '| area, inclusive (on the stack; overlapping) | ms | % |', '|---|---:|---:|');
  for (const a of s.inclusiveByArea) out.push(`| ${a.area} | ${a.ms.toFixed(0)} | ${pct(a.share)} |`);
  out.push('', '| file (self time summed) | ms | % |', '|---|---:|---:|');
  for (const f of s.byFile) out.push(`| ${f.where} | ${f.ms.toFixed(0)} | ${pct(f.share)} |`);
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error(`usage: npx tsx ${root}/bench/summarize-profile.ts <file.cpuprofile> [top=15]`);
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatSummary(summarizeProfile(profile, Number(process.argv[3] ?? 15))));
}
