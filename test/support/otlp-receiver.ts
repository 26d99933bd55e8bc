// A loopback OTLP/HTTP trace receiver: accepts `POST /v1/traces` in both encodings,
// protobuf (`application/x-protobuf`, the default) and JSON (`application/json`), anything
// else is refused with 415, and keeps the spans, attributes decoded to plain values.
// The protobuf decoder below is a minimal reader of the ExportTraceServiceRequest fields
// we look at, turned into the JSON encoding's shape (ids as hex), so both share decodeTraces.
// https://opentelemetry.io/docs/specs/otlp/#otlphttp
// https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  // The value for OTEL_EXPORTER_OTLP_ENDPOINT.
  url: string;
  spans: ReceivedSpan[];
  // Request headers of each export (to check OTEL_EXPORTER_OTLP_HEADERS and the
  // content-type), plus `x-body-bytes`: the decompressed body's size.
  exports: Record<string, string | string[] | undefined>[];
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const exports: OtlpReceiver['exports'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const type = String(req.headers['content-type']);
      const json = type.startsWith('application/json');
      if (!json && !type.startsWith('application/x-protobuf')) {
        res.writeHead(415).end();
        return;
      }
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      exports.push({ ...req.headers, 'x-body-bytes': String(raw.length) });
      spans.push(...decodeTraces(json ? JSON.parse(raw.toString('utf8')) : protobufTracesToJson(raw)));
      // An empty ExportTraceServiceResponse in the request's encoding.
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    exports,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > until) throw new Error(`the OTLP receiver did not get the expected spans (has ${spans.length})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function decodeTraces(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = decodeAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: s.kind,
          attributes: decodeAttributes(s.attributes),
          events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: decodeAttributes(e.attributes) })),
          links: (s.links ?? []).map((l: any) => ({ traceId: l.traceId, spanId: l.spanId })),
          resource,
        });
  }
  return out;
}

function decodeAttributes(list: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = decodeValue(kv.value);
  return out;
}

function decodeValue(v: any): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

// --- protobuf -----------------------------------------------------------------------

type Field = { no: number; wire: number; varint?: bigint; bytes?: Buffer };

// The fields of one message, in order (wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
export function protobufFields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (i >= buf.length) throw new Error('protobuf: truncated varint');
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  const take = (n: number) => {
    if (i + n > buf.length) throw new Error('protobuf: truncated field');
    return buf.subarray(i, (i += n));
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, varint: varint() });
    else if (wire === 1) out.push({ no, wire, bytes: take(8) });
    else if (wire === 2) out.push({ no, wire, bytes: take(Number(varint())) });
    else if (wire === 5) out.push({ no, wire, bytes: take(4) });
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

const all = (fs: Field[], no: number) => fs.filter((f) => f.no === no);
const first = (fs: Field[], no: number) => fs.find((f) => f.no === no);
const str = (f: Field | undefined) => (f?.bytes ? f.bytes.toString('utf8') : '');
const hex = (f: Field | undefined) => (f?.bytes ? f.bytes.toString('hex') : '');

function pbAnyValue(buf: Buffer): any {
  const f = protobufFields(buf).at(-1); // a oneof: the last one wins
  if (!f) return {};
  switch (f.no) {
    case 1:
      return { stringValue: str(f) };
    case 2:
      return { boolValue: f.varint !== 0n };
    case 3:
      return { intValue: String(BigInt.asIntN(64, f.varint!)) };
    case 4:
      return { doubleValue: f.bytes!.readDoubleLE(0) };
    case 5:
      return { arrayValue: { values: all(protobufFields(f.bytes!), 1).map((v) => pbAnyValue(v.bytes!)) } };
    default:
      return {}; // kvlist and bytes values: not used by the gateway
  }
}

function pbAttributes(fs: Field[], no: number) {
  return all(fs, no).map((kv) => {
    const k = protobufFields(kv.bytes!);
    const value = first(k, 2);
    return { key: str(first(k, 1)), value: value ? pbAnyValue(value.bytes!) : {} };
  });
}

// ExportTraceServiceRequest → the OTLP/JSON shape decodeTraces reads.
export function protobufTracesToJson(buf: Buffer): any {
  return {
    resourceSpans: all(protobufFields(buf), 1).map((rsf) => {
      const rs = protobufFields(rsf.bytes!);
      const resource = first(rs, 1);
      return {
        resource: { attributes: resource ? pbAttributes(protobufFields(resource.bytes!), 1) : [] },
        scopeSpans: all(rs, 2).map((ssf) => ({
          spans: all(protobufFields(ssf.bytes!), 2).map((sf) => {
            const s = protobufFields(sf.bytes!);
            return {
              traceId: hex(first(s, 1)),
              spanId: hex(first(s, 2)),
              parentSpanId: hex(first(s, 4)),
              name: str(first(s, 5)),
              kind: Number(first(s, 6)?.varint ?? 0n),
              attributes: pbAttributes(s, 9),
              events: all(s, 11).map((ef) => {
                const e = protobufFields(ef.bytes!);
                return { name: str(first(e, 2)), attributes: pbAttributes(e, 3) };
              }),
              links: all(s, 13).map((lf) => {
                const l = protobufFields(lf.bytes!);
                return { traceId: hex(first(l, 1)), spanId: hex(first(l, 2)) };
              }),
            };
          }),
        })),
      };
    }),
  };
}
