// `budgets:` in the config, checked and normalised, and which rules apply to a request.
import type { BudgetPeriod } from './periods.js';

export type BudgetScope = 'developer' | 'team' | 'key' | 'repo';

export interface BudgetRule {
  scope: BudgetScope;
  // '*' (every value, each with its own budget) or one name.
  match: string;
  period: BudgetPeriod;
  limit_usd: number;
  soft_pct: number;
  hard_pct: number;
}

// Who a request is charged to (the gateway key's id as `key`).
export interface BudgetIdentity {
  developer?: string;
  team?: string;
  key?: string;
  repo?: string;
}

const SCOPES = new Set(['developer', 'team', 'key', 'repo']);
const PERIODS = new Set(['daily', 'weekly', 'monthly']);

export class BudgetConfigError extends Error {
  override name = 'BudgetConfigError';
}

// Throws BudgetConfigError naming `budgets[i].field` on a bad entry.
export function parseBudgetRules(raw: unknown): BudgetRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new BudgetConfigError('budgets: must be a list');
  return raw.map((r: unknown, i) => {
    const at = (f: string) => `budgets[${i}].${f}`;
    if (!r || typeof r !== 'object') throw new BudgetConfigError(`budgets[${i}]: must be a mapping`);
    const o = r as Record<string, unknown>;
    if (typeof o.scope !== 'string' || !SCOPES.has(o.scope)) throw new BudgetConfigError(`${at('scope')}: must be developer, team, key or repo`);
    const match = o.match ?? '*';
    if (typeof match !== 'string' || match.length === 0) throw new BudgetConfigError(`${at('match')}: must be '*' or a name`);
    if (typeof o.period !== 'string' || !PERIODS.has(o.period)) throw new BudgetConfigError(`${at('period')}: must be daily, weekly or monthly`);
    if (typeof o.limit_usd !== 'number' || !Number.isFinite(o.limit_usd) || o.limit_usd <= 0) throw new BudgetConfigError(`${at('limit_usd')}: must be a positive number`);
    const pct = (f: string, dflt: number) => {
      const v = o[f] ?? dflt;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new BudgetConfigError(`${at(f)}: must be a positive number (percent of limit_usd)`);
      return v;
    };
    const soft_pct = pct('soft_pct', 80);
    const hard_pct = pct('hard_pct', 110);
    if (soft_pct > hard_pct) throw new BudgetConfigError(`${at('soft_pct')}: must not exceed hard_pct (${hard_pct})`);
    return { scope: o.scope as BudgetScope, match, period: o.period as BudgetPeriod, limit_usd: o.limit_usd, soft_pct, hard_pct };
  });
}

// The rules that apply to this identity with the value each is charged under: per
// scope and period, a rule naming the value wins over '*'. A scope the identity lacks
// (no team, say) is not budgeted.
export function applicableRules(rules: BudgetRule[], identity: BudgetIdentity): { rule: BudgetRule; value: string }[] {
  const chosen = new Map<string, { rule: BudgetRule; value: string }>();
  for (const rule of rules) {
    const value = identity[rule.scope];
    if (!value) continue;
    if (rule.match !== '*' && rule.match !== value) continue;
    const slot = `${rule.scope}|${rule.period}`;
    const prev = chosen.get(slot);
    if (!prev || (prev.rule.match === '*' && rule.match !== '*')) chosen.set(slot, { rule, value });
  }
  return [...chosen.values()];
}
