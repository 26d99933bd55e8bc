// Estimates a generated ~300 KB Codex-like request once, at start-up, with a throwaway
// estimator: a fresh process otherwise pays, on its first request, for compiling the
// tokenizer's and the estimator's hot paths and for the first garbage collections after
// loading the 200k-entry vocabulary (the route-decision bench shows the difference).
// Takes a few tens of milliseconds.
import type { Item, Request } from '../canonical/types.js';
import { createTokenEstimator } from './create-token-estimator.js';

const WORDS = ['request', 'token', 'session', 'route', 'provider', 'stream', 'output', 'history', 'budget', 'cache'];

export function warmUpTokenCounting(): void {
  const items: Item[] = [];
  for (let block = 0; block < 60; block++) {
    let text = '';
    for (let i = 0; i < 40; i++) {
      const n = block * 40 + i;
      const w = WORDS[n % WORDS.length];
      text += `// Returns the ${w} of entry ${n}, or null when the ${WORDS[(n * 7) % WORDS.length]} is empty.\n`;
      text += `export function get${w[0].toUpperCase()}${w.slice(1)}${n}(input: Record<string, number>): number | null {\n  return input["${w}_${n}"] ?? ${n * 37} / 3.5;\n}\n`;
    }
    items.push(
      { type: 'function_call', callId: `warm-up-${block}`, name: 'exec_command', arguments: JSON.stringify({ cmd: `cat src/file${block}.ts` }) },
      { type: 'function_call_output', callId: `warm-up-${block}`, output: text },
    );
  }
  const request: Request = {
    model: 'warm-up',
    items,
    tools: [{ type: 'function', name: 'exec_command', description: 'Runs a command.', parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] } }],
    stream: true,
    removedTools: [],
    warnings: [],
  };
  createTokenEstimator().estimate(request, 'warm-up');
}
