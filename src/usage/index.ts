// Usage: the ledger, budgets and their wiring helpers.
export * from './ledger-types.js';
export { toMicroUsd, fromMicroUsd } from './counters.js';
export { MemoryLedger } from './memory-ledger.js';
export { RedisLedger } from './redis-ledger.js';
export { utcDay, periodStart, periodEnd, periodId, resetsAt, type BudgetPeriod } from './periods.js';
export { parseBudgetRules, applicableRules, BudgetConfigError, type BudgetRule, type BudgetScope, type BudgetIdentity } from './budget-rules.js';
export type { BudgetStore, BudgetLine } from './budget-store.js';
export { MemoryBudgetStore } from './memory-budget-store.js';
export { RedisBudgetStore } from './redis-budget-store.js';
export { Budgets, type BudgetAlert, type Reservation, type AdmitResult, type SettleResult, type BudgetsConfig } from './budgets.js';
export { UsageLimitError, usageLimitBody, type UsageLimitBody } from './usage-limit-error.js';
export { postWebhook } from './send-alert.js';
export { createLedger, createUsage, type UsageState, type UsageEnv } from './create-usage.js';
export { ledgerEntryFromTurn, type TurnForLedger } from './ledger-entry-from-turn.js';
export { recordTurnUsage } from './record-turn-usage.js';
