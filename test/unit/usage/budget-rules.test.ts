import { describe, expect, it } from 'vitest';
import { applicableRules, BudgetConfigError, parseBudgetRules } from '../../../src/usage/budget-rules.js';

describe('budget rules', () => {
  it('fills soft_pct 80 and hard_pct 110 by default', () => {
    expect(parseBudgetRules([{ scope: 'developer', match: '*', period: 'monthly', limit_usd: 200 }])).toEqual([
      { scope: 'developer', match: '*', period: 'monthly', limit_usd: 200, soft_pct: 80, hard_pct: 110 },
    ]);
    expect(parseBudgetRules(undefined)).toEqual([]);
  });

  it('names the bad field', () => {
    expect(() => parseBudgetRules([{ scope: 'org', period: 'monthly', limit_usd: 1 }])).toThrow(/budgets\[0\]\.scope/);
    expect(() => parseBudgetRules([{ scope: 'team', period: 'yearly', limit_usd: 1 }])).toThrow(/budgets\[0\]\.period/);
    expect(() => parseBudgetRules([{ scope: 'team', period: 'daily', limit_usd: -1 }])).toThrow(/budgets\[0\]\.limit_usd/);
    expect(() => parseBudgetRules([{ scope: 'team', period: 'daily', limit_usd: 1, soft_pct: 120, hard_pct: 110 }])).toThrow(BudgetConfigError);
  });

  it('a rule naming the value wins over * for the same scope and period; scopes the identity lacks do not apply', () => {
    const rules = parseBudgetRules([
      { scope: 'developer', match: '*', period: 'monthly', limit_usd: 100 },
      { scope: 'developer', match: 'vip@example.com', period: 'monthly', limit_usd: 1000 },
      { scope: 'developer', match: '*', period: 'daily', limit_usd: 20 },
      { scope: 'team', match: '*', period: 'monthly', limit_usd: 5000 },
    ]);
    const vip = applicableRules(rules, { developer: 'vip@example.com' });
    expect(vip.map((r) => [r.rule.period, r.rule.limit_usd, r.value])).toEqual([
      ['monthly', 1000, 'vip@example.com'],
      ['daily', 20, 'vip@example.com'],
    ]);
    const other = applicableRules(rules, { developer: 'a@example.com', team: 'payments' });
    expect(other.map((r) => [r.rule.scope, r.rule.limit_usd])).toEqual([
      ['developer', 100],
      ['developer', 20],
      ['team', 5000],
    ]);
  });
});
