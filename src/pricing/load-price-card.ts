// The committed price card (config/pricing/price-card.json) merged with the operator's
// optional overlay — its path is `pricing.overrides` in the gateway config.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedPriceCard, PriceCard } from './price-card.js';
import { parsePriceOverrides, PricingConfigError } from './parse-price-overrides.js';

const here = dirname(fileURLToPath(import.meta.url));
// src/pricing → project root, also from dist/src/pricing.
export const DEFAULT_PRICE_CARD_PATH = [resolve(here, '..', '..'), resolve(here, '..', '..', '..')]
  .map((root) => join(root, 'config', 'pricing', 'price-card.json'))
  .find((p) => {
    try {
      readFileSync(p);
      return true;
    } catch {
      return false;
    }
  }) ?? join(resolve(here, '..', '..'), 'config', 'pricing', 'price-card.json');

export interface LoadPriceCardOptions {
  // The overlay file; none means list prices only.
  overridesPath?: string;
  cardPath?: string;
}

export function loadPriceCard(opts: LoadPriceCardOptions = {}): LoadedPriceCard {
  const cardPath = opts.cardPath ?? DEFAULT_PRICE_CARD_PATH;
  const card = parseCard(read(cardPath), cardPath);
  if (!opts.overridesPath) return { ...card, overrides: [], priceVersion: card.header.price_version };
  const { overrides, digest } = parsePriceOverrides(read(opts.overridesPath), opts.overridesPath);
  return { ...card, overrides, priceVersion: `${card.header.price_version}+overrides.${digest}` };
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PricingConfigError(file, null, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function parseCard(text: string, file: string): PriceCard {
  let card: PriceCard;
  try {
    card = JSON.parse(text) as PriceCard;
  } catch (err) {
    throw new PricingConfigError(file, null, `not JSON (${(err as Error).message}); regenerate it with npx tsx scripts/snapshot-pricing.ts`);
  }
  if (!card?.header?.price_version || typeof card.providers !== 'object')
    throw new PricingConfigError(file, null, 'not a price card (no header.price_version or providers); regenerate it with npx tsx scripts/snapshot-pricing.ts');
  return card;
}
