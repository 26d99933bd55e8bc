// Our price card: what config/pricing/price-card.json holds (written by
// scripts/snapshot-pricing.ts from @pydantic/genai-prices) plus the operator's overlay
// (config/pricing/overrides.example.yaml). Prices are USD per token; the gateway never
// needs the upstream package at run time.

// Which model ids an entry prices. Kept in the upstream's own tree shape (their
// `MatchLogic`) so the snapshot is a faithful copy; match-model-id.ts evaluates it.
// Strings compare case-insensitively; `regex` is a JavaScript regular expression.
export type ModelMatch =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: ModelMatch[] }
  | { and: ModelMatch[] };

// USD per token. A missing cache price means the provider bills that part as plain
// input (OpenAI and Gemini writes) — price-turn.ts says so in a warning for reads.
export interface TokenPrices {
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
  // Reasoning is billed as output by every provider we route to; set only to differ.
  reasoning?: number;
}

// Long-context pricing: when the turn's whole input (cache included) is above
// `above_input_tokens`, every part of the turn is priced at the tier's prices
// (Gemini 2.5 Pro >200k, Claude Sonnet 4.5 >200k, GPT-5.4 >272k).
export interface PriceTier extends TokenPrices {
  above_input_tokens: number;
}

export interface ModelPriceEntry {
  id: string;
  name?: string;
  match: ModelMatch;
  prices: TokenPrices;
  tiers?: PriceTier[];
  context_window?: number;
  // The start date of the upstream price in effect when the snapshot was taken.
  price_since?: string;
  // Upstream remarks worth reading before trusting the number.
  notes?: string;
}

export interface PriceCardHeader {
  source: { package: string; version: string; published?: string };
  upstream: string;
  licence: string;
  licence_file: string;
  // When the snapshot was written; conditional upstream prices are resolved at this date.
  generated_at: string;
  // Short and stable: what spans and the ledger record as the price table's version.
  price_version: string;
}

export interface PriceCard {
  header: PriceCardHeader;
  // Keyed by the upstream provider id (anthropic, openai, google, mistral, …).
  providers: Record<string, { name: string; pricing_urls?: string[]; models: ModelPriceEntry[] }>;
}

// One overlay entry, normalised to USD per token. Matches a route alias or a model id
// (then optionally only for one provider); a partial entry changes only the prices it names.
export interface PriceOverride {
  route?: string;
  model?: string;
  provider?: string;
  free?: boolean;
  prices: Partial<TokenPrices>;
  context_window?: number;
  // "file:line" of the entry, for warnings.
  origin: string;
}

export interface LoadedPriceCard extends PriceCard {
  overrides: PriceOverride[];
  // header.price_version plus the overlay's digest when there is one.
  priceVersion: string;
}
