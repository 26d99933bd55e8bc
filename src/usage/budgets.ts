// Budgets: admission with a reservation of the turn's estimated cost, settlement with
// the actual cost, a soft alert once per scope value and period, and a 429
// usage_limit_reached (with an integer resets_at) from hard_pct until the period resets.
//
// A turn admitted under the limit runs to its end even if its actual cost crosses the
// hard limit; the next request is refused. Unpriced turns (cost null) reserve and spend
// nothing. A reservation is settled against the period it was admitted in.
import { randomUUID } from 'node:crypto';
import type { BudgetLine, BudgetStore } from './budget-store.js';
import { applicableRules, parseBudgetRules, type BudgetIdentity, type BudgetRule, type BudgetScope } from './budget-rules.js';
import { fromMicroUsd, toMicroUsd } from './counters.js';
import { periodEnd, periodId, resetsAt, type BudgetPeriod } from './periods.js';
import { postWebhook, type AlertLogger } from './send-alert.js';
import { UsageLimitError } from './usage-limit-error.js';

export interface BudgetsConfig {
  budgets?: unknown[];
  alerts?: { webhook_url?: string };
}

interface ReservedLine extends BudgetLine {
  rule: BudgetRule;
  scope: BudgetScope;
  value: string;
  period: BudgetPeriod;
  periodId: string;
}

export interface Reservation {
  id: string;
  at: Date;
  estimateMicro: number;
  // What the store holds for this reservation (0 when the store was unreachable).
  reservedMicro: number;
  lines: ReservedLine[];
  settled: boolean;
}

export interface BudgetAlert {
  kind: 'soft';
  scope: BudgetScope;
  value: string;
  period: BudgetPeriod;
  periodId: string;
  limitUsd: number;
  spentUsd: number;
  pct: number;
  softPct: number;
  hardPct: number;
  // Integer Unix seconds of the next period start.
  resetsAt: number;
  text: string;
}

export interface AdmitResult {
  ok: true;
  reservation: Reservation;
}

export interface SettleResult {
  // Alerts this settle raised (at most one per scope value and period, across
  // replicas): the tracing layer adds each as a span event.
  alerts: BudgetAlert[];
}

export interface BudgetsOptions {
  store: BudgetStore;
  // Read on every request, so a config reload applies at once.
  config: () => BudgetsConfig;
  logger: AlertLogger;
  now?: () => Date;
  // Delivers an alert's text (default: POST { text } to alerts.webhook_url).
  notify?: (alert: BudgetAlert, webhookUrl: string | undefined) => Promise<void>;
}

const NO_RULES: BudgetRule[] = [];

export class Budgets {
  private readonly store: BudgetStore;
  private readonly config: () => BudgetsConfig;
  private readonly logger: AlertLogger;
  private readonly now: () => Date;
  private readonly notify: (alert: BudgetAlert, webhookUrl: string | undefined) => Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  private parsed: { raw: unknown; rules: BudgetRule[] } | undefined;

  constructor(opts: BudgetsOptions) {
    this.store = opts.store;
    this.config = opts.config;
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.notify = opts.notify ?? ((alert, url) => this.postAlert(alert, url));
  }

  // The configured rules (parsed once per config object; an invalid list is logged
  // and ignored — config validation should have refused it).
  rules(): BudgetRule[] {
    const raw = this.config().budgets;
    if (!raw || raw.length === 0) return NO_RULES;
    if (this.parsed?.raw === raw) return this.parsed.rules;
    let rules = NO_RULES;
    try {
      rules = parseBudgetRules(raw);
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, `budgets: invalid config, budgets are not enforced: ${(err as Error).message}`);
    }
    this.parsed = { raw, rules };
    return rules;
  }

  // Reserves the estimate under every budget that applies, or throws UsageLimitError
  // (429 usage_limit_reached, resets_at) when one is at its hard limit or the estimate
  // does not fit under it. An unreachable store admits (logged): fail open.
  async admit(req: { identity: BudgetIdentity; estimatedCostUsd?: number | null }): Promise<AdmitResult> {
    const at = this.now();
    const estimateMicro = req.estimatedCostUsd != null && Number.isFinite(req.estimatedCostUsd) && req.estimatedCostUsd > 0 ? toMicroUsd(req.estimatedCostUsd) : 0;
    const lines = applicableRules(this.rules(), req.identity).map(({ rule, value }) => toLine(rule, value, at));
    const reservation: Reservation = { id: randomUUID(), at, estimateMicro, reservedMicro: 0, lines, settled: false };
    if (lines.length === 0) return { ok: true, reservation };
    let res;
    try {
      res = await this.store.reserve(lines, estimateMicro, at.getTime());
    } catch (err) {
      // Fail open: an unreachable store must not stop every developer.
      this.logger.error({ err: (err as Error).message, store: this.store.kind }, 'budget: the budget store is unreachable; admitting without a reservation');
      return { ok: true, reservation };
    }
    if (res.ok) {
      reservation.reservedMicro = estimateMicro;
      return { ok: true, reservation };
    }
    const line = lines[res.index]!;
    const reset = resetsAt(line.period, at);
    const spentUsd = fromMicroUsd(res.spentMicro);
    const usedPct = Math.floor((res.spentMicro / toMicroUsd(line.rule.limit_usd)) * 100);
    this.logger.warn(
      { budget: { scope: line.scope, value: line.value, period: line.periodId, limitUsd: line.rule.limit_usd, spentUsd, reservedUsd: fromMicroUsd(res.reservedMicro), estimateUsd: fromMicroUsd(estimateMicro), resetsAt: reset } },
      `budget: ${line.scope} ${line.value} refused (${usedPct}% of its ${line.period} budget spent)`,
    );
    const full = res.spentMicro + res.reservedMicro >= line.hardMicro;
    const state = full
      ? `is used up: $${spentUsd.toFixed(2)} spent`
      : `has no room for this request (about $${fromMicroUsd(estimateMicro).toFixed(2)}): $${spentUsd.toFixed(2)} spent, $${fromMicroUsd(res.reservedMicro).toFixed(2)} held by requests in flight`;
    throw new UsageLimitError(
      `The ${line.period} budget of ${line.scope} '${line.value}' ${state} of $${line.rule.limit_usd.toFixed(2)} ` +
        `(requests stop at ${line.rule.hard_pct}%). It resets at ${new Date(reset * 1000).toISOString()}.`,
      reset,
    );
  }

  // Releases the reservation and charges the actual cost (null: unpriced, charged 0).
  // Settling twice is a no-op; never throws (store failures are logged). Alerts are
  // delivered in the background (see drain()).
  async settle(reservation: Reservation, actualCostUsd: number | null): Promise<SettleResult> {
    if (reservation.settled || reservation.lines.length === 0) {
      reservation.settled = true;
      return { alerts: [] };
    }
    reservation.settled = true;
    const actualMicro = actualCostUsd != null && Number.isFinite(actualCostUsd) && actualCostUsd > 0 ? toMicroUsd(actualCostUsd) : 0;
    let results;
    try {
      results = await this.store.settle(reservation.lines, reservation.reservedMicro, actualMicro, this.now().getTime());
    } catch (err) {
      this.logger.error({ err: (err as Error).message, store: this.store.kind, reservation: reservation.id, costUsd: fromMicroUsd(actualMicro) }, 'budget: the budget store is unreachable; this turn is not charged to its budgets');
      return { alerts: [] };
    }
    const alerts: BudgetAlert[] = [];
    results.forEach((r, i) => {
      if (!r.softCrossed) return;
      const line = reservation.lines[i]!;
      alerts.push(softAlert(line, r.spentMicro, reservation.at));
    });
    const webhookUrl = this.config().alerts?.webhook_url;
    for (const alert of alerts) {
      this.logger.warn({ budgetAlert: { scope: alert.scope, value: alert.value, period: alert.periodId, spentUsd: alert.spentUsd, limitUsd: alert.limitUsd, pct: alert.pct } }, alert.text);
      const p = this.notify(alert, webhookUrl)
        .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'budget alert: delivery failed'))
        .finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
    return { alerts };
  }

  // Waits for alert deliveries under way (shutdown, tests).
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  // Spend and reservations for one scope value in the current period (admin, tests).
  async usage(scope: BudgetScope, value: string, period: BudgetPeriod): Promise<{ spentUsd: number; reservedUsd: number }> {
    const at = this.now();
    const line = toLine({ scope, match: value, period, limit_usd: 1, soft_pct: 80, hard_pct: 110 }, value, at);
    const r = await this.store.read(line);
    return { spentUsd: fromMicroUsd(r.spentMicro), reservedUsd: fromMicroUsd(r.reservedMicro) };
  }

  async close(): Promise<void> {
    await this.drain();
    await this.store.close();
  }

  private async postAlert(alert: BudgetAlert, webhookUrl: string | undefined): Promise<void> {
    if (!webhookUrl) return;
    await postWebhook(webhookUrl, alert.text, this.logger);
  }
}

function toLine(rule: BudgetRule, value: string, at: Date): ReservedLine {
  const limitMicro = toMicroUsd(rule.limit_usd);
  const id = periodId(rule.period, at);
  return {
    id: `${rule.scope}|${value}|${id}`,
    hardMicro: Math.round((limitMicro * rule.hard_pct) / 100),
    softMicro: Math.round((limitMicro * rule.soft_pct) / 100),
    periodEndMs: periodEnd(rule.period, at),
    rule,
    scope: rule.scope,
    value,
    period: rule.period,
    periodId: id,
  };
}

function softAlert(line: ReservedLine, spentMicro: number, at: Date): BudgetAlert {
  const spentUsd = fromMicroUsd(spentMicro);
  const limitUsd = line.rule.limit_usd;
  const pct = Math.floor((spentMicro / toMicroUsd(limitUsd)) * 100);
  const reset = resetsAt(line.period, at);
  const text =
    `Budget alert: ${line.scope} ${line.value} has spent $${spentUsd.toFixed(2)} of its $${limitUsd.toFixed(2)} ${line.period} budget (${pct}%). ` +
    `Requests are refused from ${line.rule.hard_pct}% ($${((limitUsd * line.rule.hard_pct) / 100).toFixed(2)}) until ${new Date(reset * 1000).toISOString()}.`;
  return { kind: 'soft', scope: line.scope, value: line.value, period: line.period, periodId: line.periodId, limitUsd, spentUsd, pct, softPct: line.rule.soft_pct, hardPct: line.rule.hard_pct, resetsAt: reset, text };
}
