// A route's (provider, model, alias) → the prices that apply: the card's entry, then the
// operator's overlay on top (overlay entries for the route alias win over those for the
// model id; later entries win over earlier ones).
import type { LoadedPriceCard, ModelPriceEntry, PriceOverride, PriceTier, TokenPrices } from './price-card.js';
import { matchesModel, normaliseModelId, withoutDateSuffix } from './match-model-id.js';

export interface PricedModel {
  // The card's entry id, or the overlay's model/route when only the overlay prices it.
  id: string;
  prices: TokenPrices;
  tiers: PriceTier[];
  contextWindow?: number;
  free: boolean;
}

export interface ModelRef {
  provider: string;
  model: string;
  // The route alias, so the overlay can price a route rather than a model.
  alias?: string;
}

// Where to look for each RouteConfig.provider. Vertex serves Gemini and Claude at list
// price; an OpenAI-compatible base_url may be DeepSeek, xAI, Moonshot or a self-hosted
// server (which the overlay marks free), so it searches every provider.
const LOOKUP: Record<string, string[] | 'all'> = {
  anthropic: ['anthropic'],
  openai: ['openai'],
  google: ['google', 'anthropic'],
  vertex: ['google', 'anthropic'],
  mistral: ['mistral'],
  openai_compatible: 'all',
};

export function findModelPrice(card: LoadedPriceCard, ref: ModelRef): PricedModel | undefined {
  const id = normaliseModelId(ref.model);
  const entry = findCardEntry(card, ref.provider, id) ?? findCardEntry(card, ref.provider, withoutDateSuffix(id));
  const overrides = card.overrides.filter((o) => overrideApplies(o, ref, id));
  overrides.sort((a, b) => Number(Boolean(a.route)) - Number(Boolean(b.route)));

  let priced: Partial<PricedModel> | undefined = entry && {
    id: entry.id,
    prices: { ...entry.prices },
    tiers: entry.tiers ?? [],
    contextWindow: entry.context_window,
    free: false,
  };
  for (const o of overrides) {
    priced ??= { id: o.route ?? o.model, tiers: [], free: false };
    if (o.free) Object.assign(priced, { prices: { input: 0, output: 0 }, tiers: [], free: true });
    else if (Object.keys(o.prices).length > 0) {
      // A negotiated price replaces the list price at every input size.
      priced.prices = { ...priced.prices, ...o.prices } as TokenPrices;
      priced.tiers = [];
      priced.free = false;
    }
    if (o.context_window !== undefined) priced.contextWindow = o.context_window;
  }
  if (!priced || !priced.prices || priced.prices.input === undefined || priced.prices.output === undefined) return undefined;
  return priced as PricedModel;
}

function findCardEntry(card: LoadedPriceCard, provider: string, id: string): ModelPriceEntry | undefined {
  const order = LOOKUP[provider] ?? [provider];
  const providers = order === 'all' ? Object.keys(card.providers) : order;
  for (const p of providers) {
    const found = card.providers[p]?.models.find((m) => matchesModel(m.match, id));
    if (found) return found;
  }
  return undefined;
}

function overrideApplies(o: PriceOverride, ref: ModelRef, id: string): boolean {
  if (o.route !== undefined) return o.route === ref.alias;
  if (o.provider !== undefined && o.provider !== ref.provider) return false;
  const want = normaliseModelId(o.model!);
  return want === id || want === withoutDateSuffix(id);
}
