// The operator's pricing overlay (config/pricing/overrides.example.yaml) → overrides in
// USD per token. Every refusal names the file and the line, like load-config.ts.
import { createHash } from 'node:crypto';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { PriceOverride, TokenPrices } from './price-card.js';

export class PricingConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'PricingConfigError';
  }
}

const PRICE_FIELDS: (keyof TokenPrices)[] = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'];
const ENTRY_KEYS = new Set([
  'route',
  'model',
  'provider',
  'free',
  'context_window',
  ...PRICE_FIELDS.flatMap((f) => [`${f}_per_token`, `${f}_per_million`]),
]);

export interface ParsedOverrides {
  overrides: PriceOverride[];
  // First 12 hex of the file's SHA-256: changes whenever a price does.
  digest: string;
}

export function parsePriceOverrides(text: string, file = '<pricing overrides>'): ParsedOverrides {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new PricingConfigError(file, e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line, `YAML syntax: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (node: unknown): number | null => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lc.linePos(range[0]).line : null;
  };
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  if (doc.contents === null) return { overrides: [], digest };
  if (!isMap(doc.contents)) throw new PricingConfigError(file, lineOf(doc.contents), 'expected a mapping with a `models:` list');
  for (const pair of doc.contents.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (key !== 'models') throw new PricingConfigError(file, lineOf(pair.key), `unknown key "${key}" (expected "models")`);
  }
  const models = doc.contents.get('models', true);
  if (models === undefined || models === null) return { overrides: [], digest };
  if (!isSeq(models)) throw new PricingConfigError(file, lineOf(models), '`models` must be a list of entries');

  const overrides = models.items.map((node, i): PriceOverride => {
    const at = `models[${i}]`;
    const fail = (reason: string, where: unknown = node): never => {
      throw new PricingConfigError(file, lineOf(where) ?? lineOf(node), `${at}: ${reason}`);
    };
    if (!isMap(node)) return fail('expected a mapping (model: or route:, then prices)');
    const entry: Record<string, unknown> = {};
    const valueNode = (k: string): unknown => node.get(k, true);
    for (const pair of node.items) {
      const k = String((pair.key as { value?: unknown })?.value ?? pair.key);
      if (!ENTRY_KEYS.has(k)) fail(`unknown key "${k}"; expected one of ${[...ENTRY_KEYS].join(', ')}`, pair.key);
      entry[k] = (pair.value as { toJSON?: () => unknown })?.toJSON?.() ?? (pair.value as { value?: unknown })?.value;
    }
    const str = (k: string) => {
      const v = entry[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.trim() === '') fail(`"${k}" must be a non-empty string`, valueNode(k));
      return v as string;
    };
    const route = str('route');
    const model = str('model');
    const provider = str('provider');
    if ((route === undefined) === (model === undefined)) fail('needs exactly one of "model" (a model id) or "route" (a route alias)');
    if (route !== undefined && provider !== undefined) fail('"provider" narrows a "model" entry; a route already names its provider', valueNode('provider'));
    const free = entry.free;
    if (free !== undefined && typeof free !== 'boolean') fail('"free" must be true or false', valueNode('free'));

    const prices: Partial<TokenPrices> = {};
    for (const f of PRICE_FIELDS) {
      const perToken = entry[`${f}_per_token`];
      const perMillion = entry[`${f}_per_million`];
      if (perToken !== undefined && perMillion !== undefined) fail(`give ${f}_per_token or ${f}_per_million, not both`, valueNode(`${f}_per_million`));
      const raw = perToken ?? perMillion;
      if (raw === undefined) continue;
      const keyName = perToken !== undefined ? `${f}_per_token` : `${f}_per_million`;
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) fail(`"${keyName}" must be a number ≥ 0 (USD)`, valueNode(keyName));
      prices[f] = perToken !== undefined ? (raw as number) : Number(((raw as number) / 1e6).toPrecision(12));
    }
    if (free === true && Object.keys(prices).length > 0) fail('"free: true" prices every token at 0; remove the other prices or the flag');
    if (free !== true && Object.keys(prices).length === 0 && entry.context_window === undefined)
      fail('sets nothing: give prices (e.g. input_per_million, output_per_million), free: true or context_window');
    const cw = entry.context_window;
    if (cw !== undefined && (typeof cw !== 'number' || !Number.isInteger(cw) || cw <= 0))
      fail('"context_window" must be a positive integer (tokens)', valueNode('context_window'));

    return {
      ...(route !== undefined ? { route } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(provider !== undefined ? { provider } : {}),
      ...(free === true ? { free: true } : {}),
      prices,
      ...(cw !== undefined ? { context_window: cw as number } : {}),
      origin: `${file}:${lineOf(node) ?? '?'}`,
    };
  });
  return { overrides, digest };
}
