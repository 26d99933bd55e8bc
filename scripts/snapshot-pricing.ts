// Writes config/pricing/price-card.json, our typed price card, from the price database
// embedded in the pinned devDependency @pydantic/genai-prices (MIT). Run with
//   npx tsx scripts/snapshot-pricing.ts
// Never calls the package's updatePrices/remote fetch: the snapshot is exactly the data
// of the installed version, so it is reproducible from package-lock.json.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProvider, type ConditionalPrice, type ModelInfo, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import type { ModelMatch, ModelPriceEntry, PriceCard, PriceTier, TokenPrices } from '../src/pricing/price-card.js';

const PACKAGE = '@pydantic/genai-prices';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'config', 'pricing');

// Upstream provider ids we route to (RouteConfig.provider → see find-model-price.ts),
// plus OpenAI-compatible APIs that are cheap to carry.
const PROVIDERS = ['anthropic', 'openai', 'google', 'mistral', 'deepseek', 'x-ai', 'moonshotai'];

// Upstream keys per million tokens → our per-token fields.
const KEYS: [keyof TokenPrices, string][] = [
  ['input', 'input_mtok'],
  ['output', 'output_mtok'],
  ['cache_read', 'cache_read_mtok'],
  ['cache_write', 'cache_write_mtok'],
];

// The package's `exports` hide package.json; find it next to the resolved entry (dist/).
const require = createRequire(import.meta.url);
const pkgDir = resolve(dirname(require.resolve(PACKAGE)), '..');
const pkgJsonPath = join(pkgDir, 'package.json');
const pkg = JSON.parse(readFileSync(pkgJsonPath, 'utf8')) as { version: string };
const now = new Date();

function isTiered(v: unknown): v is TieredPrices {
  return typeof v === 'object' && v !== null && 'base' in v && 'tiers' in v;
}

// The upstream price applies to the whole turn once the input is *greater than* `start`.
function valueAt(v: ModelPrice[string], inputTokens: number): number | undefined {
  if (v === undefined) return undefined;
  if (!isTiered(v)) return v;
  let price = v.base;
  for (const t of [...v.tiers].sort((a, b) => a.start - b.start)) if (inputTokens > t.start) price = t.price;
  return price;
}

function perToken(perMillion: number): number {
  // Round away float noise (3 / 1e6 = 0.0000030000000000000001).
  return Number((perMillion / 1e6).toPrecision(12));
}

function pricesAt(p: ModelPrice, inputTokens: number): TokenPrices | undefined {
  const out: Partial<TokenPrices> = {};
  for (const [ours, theirs] of KEYS) {
    const v = valueAt(p[theirs], inputTokens);
    if (v !== undefined) out[ours] = perToken(v);
  }
  return out.input === undefined || out.output === undefined ? undefined : (out as TokenPrices);
}

// Conditional prices: upstream picks by date (a price change) and by time of day
// (DeepSeek's off-peak discount). A per-turn card has one price, so take the one the
// upstream rule selects for most of the snapshot's day — the standard rate — and say so.
function selectAt(prices: ConditionalPrice[], t: Date): { price: ModelPrice; since?: string } {
  // Same order as the package: the last entry whose constraint holds, else the first.
  for (let i = prices.length - 1; i >= 0; i--) {
    const c = prices[i].constraint;
    if (!c) return { price: prices[i].prices };
    if (c.type === 'start_date' && t >= new Date(c.start_date)) return { price: prices[i].prices, since: c.start_date };
    if (c.type === 'time_of_date') {
      const s = seconds(c.start_time), e = seconds(c.end_time), now = t.getUTCHours() * 3600 + t.getUTCMinutes() * 60;
      if (e < s ? now >= s || now < e : now >= s && now < e) return { price: prices[i].prices };
    }
  }
  return { price: prices[0].prices };
}

function seconds(hhmmss: string): number {
  const [h, m, sec] = hhmmss.replace(/Z$/, '').split(':').map(Number);
  return h * 3600 + m * 60 + (sec || 0);
}

function currentPrice(m: ModelInfo): { price: ModelPrice; since?: string; note?: string } {
  if (!Array.isArray(m.prices)) return { price: m.prices };
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const counts = new Map<string, { pick: { price: ModelPrice; since?: string }; n: number }>();
  for (let half = 0; half < 48; half++) {
    const pick = selectAt(m.prices, new Date(day + half * 30 * 60_000));
    const key = JSON.stringify(pick.price);
    counts.set(key, { pick, n: (counts.get(key)?.n ?? 0) + 1 });
  }
  const best = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  const note = counts.size > 1 ? 'Upstream prices this model by time of day; the card carries the rate in effect for most of the day.' : undefined;
  return { ...best.pick, ...(note ? { note } : {}) };
}

function convertModel(m: ModelInfo): ModelPriceEntry | undefined {
  const { price, since, note } = currentPrice(m);
  const prices = pricesAt(price, 0);
  if (!prices) return undefined; // not a token-priced model (audio, images, embeddings without output)
  const starts = new Set<number>();
  for (const [, theirs] of KEYS) {
    const v = price[theirs];
    if (isTiered(v)) for (const t of v.tiers) starts.add(t.start);
  }
  const tiers: PriceTier[] = [...starts]
    .sort((a, b) => a - b)
    .map((start) => ({ above_input_tokens: start, ...pricesAt(price, start + 1)! }));
  const notes = [m.price_comments, note].filter(Boolean).join(' ');
  return {
    id: m.id,
    ...(m.name ? { name: m.name } : {}),
    match: m.match as ModelMatch,
    prices,
    ...(tiers.length ? { tiers } : {}),
    ...(m.context_window ? { context_window: m.context_window } : {}),
    ...(since ? { price_since: since } : {}),
    ...(notes ? { notes } : {}),
  };
}

const card: PriceCard = {
  header: {
    source: { package: PACKAGE, version: pkg.version },
    upstream: 'https://github.com/pydantic/genai-prices',
    licence: 'MIT',
    licence_file: 'config/pricing/LICENSE-genai-prices',
    generated_at: now.toISOString(),
    price_version: `genai-prices@${pkg.version}/${now.toISOString().slice(0, 10)}`,
  },
  providers: {},
};

for (const id of PROVIDERS) {
  const p = findProvider({ providerId: id });
  if (!p) {
    console.warn(`${PACKAGE}@${pkg.version} has no provider "${id}"; skipped`);
    continue;
  }
  const models = p.models.map(convertModel).filter((m): m is ModelPriceEntry => m !== undefined);
  card.providers[id] = { name: p.name, ...(p.pricing_urls ? { pricing_urls: p.pricing_urls } : {}), models };
  console.log(`${id}: ${models.length} of ${p.models.length} models token-priced`);
}

writeFileSync(join(outDir, 'price-card.json'), JSON.stringify(card, null, 2) + '\n');
copyFileSync(join(pkgDir, 'LICENSE'), join(outDir, 'LICENSE-genai-prices'));
console.log(`wrote ${join(outDir, 'price-card.json')} (${card.header.price_version})`);
