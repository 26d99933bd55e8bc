export type { LoadedPriceCard, ModelPriceEntry, PriceCard, PriceOverride, PriceTier, TokenPrices } from './price-card.js';
export { loadPriceCard, DEFAULT_PRICE_CARD_PATH, type LoadPriceCardOptions } from './load-price-card.js';
export { PricingConfigError } from './parse-price-overrides.js';
export { priceTurn, contextWindowOf, type TurnCost, type CostBreakdown } from './price-turn.js';
export { findModelPrice, type ModelRef, type PricedModel } from './find-model-price.js';
