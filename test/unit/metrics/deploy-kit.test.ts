// The deploy/ kit is not run in CI (no Docker engine here), so check what can be
// checked without one: every YAML file parses, the compose files have the services
// and wiring the README promises, the paths they mount exist, Prometheus scrapes
// /metrics, and the Grafana dashboard uses only metric and label names the gateway exports.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { METRICS, PROMETHEUS_SAMPLE_NAMES } from '../../../src/metrics/metric-names.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const deploy = join(root, 'deploy');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

type Any = any;
function loadYaml(path: string): Any {
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: string[] | Record<string, unknown>;
}

describe('deploy kit', () => {
  it('every YAML file in deploy/ parses', () => {
    const files = walk(deploy).filter((p) => /\.ya?ml$/.test(p));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(() => loadYaml(f), f).not.toThrow();
  });

  for (const [file, otlpHost] of [
    ['docker-compose.yml', 'jaeger'],
    ['tempo/docker-compose.yml', 'tempo'],
  ] as const) {
    it(`${file}: the gateway is built from deploy/Dockerfile, exports OTLP to ${otlpHost}, uses Redis and mounts existing paths; the worker scores from the same Redis and exports to the same collector`, () => {
      const path = join(deploy, file);
      const compose = loadYaml(path) as { services: Record<string, Service> };
      const s = compose.services;
      expect(Object.keys(s)).toEqual(expect.arrayContaining([otlpHost, 'redis', 'gateway', 'worker']));
      const gw = s.gateway;
      expect(resolve(dirname(path), gw.build!.context, gw.build!.dockerfile)).toBe(join(deploy, 'Dockerfile'));
      expect(gw.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://${otlpHost}:4318`);
      expect(gw.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(gw.environment!.HOST).toBe('0.0.0.0');
      expect(gw.environment!.GATEWAY_CONFIG).toMatch(/^\/etc\/gateway\//);
      expect(s.worker.profiles).toBeUndefined(); // starts with `docker compose up`
      expect(s.worker.command).toEqual(['node', 'dist/src/cli.js', 'worker']);
      expect(s.worker.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(s.worker.environment!.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://${otlpHost}:4318`);
      expect(s.worker.environment!.GATEWAY_CONFIG).toBe(gw.environment!.GATEWAY_CONFIG);
      for (const svc of Object.values(s)) {
        for (const v of svc.volumes ?? []) {
          const src = v.split(':')[0];
          if (src.startsWith('.')) expect(existsSync(resolve(dirname(path), src)), `${file}: ${v}`).toBe(true);
        }
        const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
        for (const d of deps) expect(Object.keys(s)).toContain(d);
      }
      const ports = Object.values(s).flatMap((x) => x.ports ?? []);
      expect(ports).toEqual(expect.arrayContaining(['4000:4000', '4317:4317', '4318:4318']));
      if (otlpHost === 'jaeger') expect(ports).toContain('16686:16686');
      else expect(Object.keys(s)).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
    });
  }

  it('the Dockerfile builds dist/ and runs `npm start` with the schema in config/', () => {
    const text = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^CMD \["npm", "start"/m);
    expect(text).toMatch(/^RUN npm run build$/m);
    expect(text).toMatch(/^COPY config \.\/config$/m);
  });

  it('Prometheus scrapes the gateway at /metrics', () => {
    const prom = loadYaml(join(deploy, 'tempo/prometheus.yml'));
    const job = prom.scrape_configs.find((j: Any) => j.job_name === 'codex-gateway');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual(['gateway:4000']);
  });

  it('Tempo receives OTLP on 4317 and 4318; Grafana provisions Prometheus, Tempo and the dashboard folder', () => {
    const tempo = loadYaml(join(deploy, 'tempo/tempo.yaml'));
    expect(tempo.distributor.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(tempo.distributor.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    const ds = loadYaml(join(deploy, 'grafana/provisioning/datasources/datasources.yaml'));
    expect(ds.datasources.map((d: Any) => [d.uid, d.url])).toEqual([
      ['prometheus', 'http://prometheus:9090'],
      ['tempo', 'http://tempo:3200'],
    ]);
    const dash = loadYaml(join(deploy, 'grafana/provisioning/dashboards/dashboards.yaml'));
    expect(dash.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });

  it('the Grafana dashboard parses and queries only metric and label names the gateway exports', () => {
    const dashboard = JSON.parse(readFileSync(join(deploy, 'grafana/dashboards/codex-gateway.json'), 'utf8'));
    expect(dashboard.uid).toBe('codex-gateway');
    const exprs: string[] = [];
    const collect = (panels: Any[]) => {
      for (const p of panels) {
        for (const t of p.targets ?? []) exprs.push(t.expr);
        collect(p.panels ?? []);
      }
    };
    collect(dashboard.panels);
    for (const v of dashboard.templating.list) if (v.type === 'query') exprs.push(v.definition);
    expect(exprs.length).toBeGreaterThanOrEqual(10);

    const labelsOf = new Map<string, readonly string[]>();
    for (const m of Object.values(METRICS)) for (const n of PROMETHEUS_SAMPLE_NAMES.filter((x) => x.startsWith(m.prometheus))) labelsOf.set(n, n.endsWith('_bucket') ? [...m.labels, 'le'] : m.labels);
    const used = new Set<string>();
    for (const expr of exprs) {
      const metrics = [...expr.matchAll(/\b(gateway_[a-z_]+)/g)].map((m) => m[1]);
      expect(metrics.length, expr).toBeGreaterThan(0);
      for (const name of metrics) {
        expect(PROMETHEUS_SAMPLE_NAMES, expr).toContain(name);
        used.add(name);
      }
      const allowed = new Set(metrics.flatMap((n) => labelsOf.get(n) ?? []));
      const labels = [
        ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((x) => x.trim())),
        ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/([a-z_]+)\s*(?:=~|!=|!~|=)/g)].map((x) => x[1])),
        ...[...expr.matchAll(/label_values\([^,]+,\s*([a-z_]+)\)/g)].map((m) => m[1]),
      ];
      for (const l of labels) expect([...allowed], `${l} in ${expr}`).toContain(l);
    }
    // Requests, errors, duration, TTFT and tokens all have a panel.
    for (const name of ['gateway_requests_total', 'gateway_errors_total', 'gateway_request_duration_seconds_bucket', 'gateway_time_to_first_token_seconds_bucket', 'gateway_tokens_total'])
      expect(used).toContain(name);
  });
});
