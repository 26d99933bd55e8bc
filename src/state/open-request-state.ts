// Before a request goes to a provider: open the reasoning items this gateway sealed.
// Items for another provider family, or that do not open (another secret, tampering,
// truncation), are left out of the upstream request with a warning, never a failure.
// OpenAI's own encrypted reasoning is kept as-is for OpenAI routes and dropped elsewhere.
import type { Item, ProviderFamily, Request } from '../canonical/types.js';
import type { StateSealer } from './seal-state.js';

export function openRequestState(req: Request, family: ProviderFamily, sealer: StateSealer): Request {
  let foreign = 0;
  let unopened = 0;
  let openaiOwn = 0;
  const items: Item[] = [];
  for (const item of req.items) {
    if (item.type !== 'reasoning' || item.encryptedContent === undefined) {
      items.push(item);
      continue;
    }
    if (!sealer.isSealed(item.encryptedContent)) {
      // Not ours: OpenAI's encrypted reasoning. Only OpenAI can read it.
      if (family === 'openai') items.push(item);
      else {
        openaiOwn++;
        items.push(withoutOpaque(item));
      }
      continue;
    }
    const state = sealer.open(item.encryptedContent);
    if (!state) {
      unopened++;
      items.push(withoutOpaque(item));
    } else if (state.family !== family) {
      foreign++;
      items.push(withoutOpaque(item));
    } else {
      const { encryptedContent: _sealed, ...rest } = item;
      items.push({ ...rest, state });
    }
  }
  const warnings = [...req.warnings];
  if (unopened) warnings.push(`${unopened} reasoning item(s) carried encrypted_content that does not open with this gateway's state secret; their provider state was left out`);
  if (foreign) warnings.push(`${foreign} reasoning item(s) came from another provider family; their provider state was left out (${family} cannot read it)`);
  if (openaiOwn) warnings.push(`${openaiOwn} reasoning item(s) carried OpenAI encrypted reasoning, which only OpenAI can read; left out`);
  return { ...req, items, warnings };
}

// The summary text stays (a provider may use it as plain context); the opaque part goes.
function withoutOpaque(item: Extract<Item, { type: 'reasoning' }>): Item {
  const { encryptedContent: _e, state: _s, ...rest } = item;
  return rest;
}
