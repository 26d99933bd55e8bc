// The end of a turn, in one call: settle its budget reservation with the actual cost
// and add it to the ledger. Never throws (failures are logged); returns the budget
// alerts raised so the caller can add them to the turn's span as events.
import type { BudgetAlert, Budgets, Reservation } from './budgets.js';
import type { LedgerEntry, UsageLedger } from './ledger-types.js';
import type { AlertLogger } from './send-alert.js';

export async function recordTurnUsage(
  usage: { ledger: UsageLedger; budgets: Budgets },
  turn: { reservation?: Reservation; entry: LedgerEntry },
  logger: AlertLogger,
): Promise<BudgetAlert[]> {
  const [settled] = await Promise.all([
    turn.reservation ? usage.budgets.settle(turn.reservation, turn.entry.costUsd) : Promise.resolve({ alerts: [] as BudgetAlert[] }),
    usage.ledger.add(turn.entry).catch((err: unknown) => {
      logger.error({ err: (err as Error).message, ledger: usage.ledger.kind, route: turn.entry.route, costUsd: turn.entry.costUsd }, 'usage ledger: could not record the turn');
    }),
  ]);
  return settled.alerts;
}
