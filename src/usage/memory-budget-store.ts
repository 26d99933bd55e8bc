// Budget counters in this process (no REDIS_URL): single-threaded, so atomic as is.
import { COUNTER_GRACE_MS, type BudgetLine, type BudgetStore, type ReserveResult, type SettleLineResult } from './budget-store.js';

interface Counter {
  spent: number;
  reserved: number;
  alerted: boolean;
  expiresAt: number;
}

export class MemoryBudgetStore implements BudgetStore {
  readonly kind = 'memory' as const;
  private readonly counters = new Map<string, Counter>();

  private counter(line: BudgetLine, nowMs: number): Counter {
    let c = this.counters.get(line.id);
    if (c && c.expiresAt <= nowMs) c = undefined;
    if (!c) {
      if (this.counters.size > 10_000) this.prune(nowMs);
      c = { spent: 0, reserved: 0, alerted: false, expiresAt: line.periodEndMs + COUNTER_GRACE_MS };
      this.counters.set(line.id, c);
    }
    return c;
  }

  private prune(nowMs: number): void {
    for (const [k, c] of this.counters) if (c.expiresAt <= nowMs) this.counters.delete(k);
  }

  async reserve(lines: BudgetLine[], estimateMicro: number, nowMs: number): Promise<ReserveResult> {
    const cs = lines.map((l) => this.counter(l, nowMs));
    for (let i = 0; i < lines.length; i++) {
      const c = cs[i]!;
      const used = c.spent + c.reserved;
      if (used >= lines[i]!.hardMicro || used + estimateMicro > lines[i]!.hardMicro) return { ok: false, index: i, spentMicro: c.spent, reservedMicro: c.reserved };
    }
    for (const c of cs) c.reserved += estimateMicro;
    return { ok: true };
  }

  async settle(lines: BudgetLine[], reservedMicro: number, actualMicro: number, nowMs: number): Promise<SettleLineResult[]> {
    return lines.map((line) => {
      const c = this.counter(line, nowMs);
      c.reserved = Math.max(0, c.reserved - reservedMicro);
      c.spent += actualMicro;
      let softCrossed = false;
      if (line.softMicro >= 0 && c.spent >= line.softMicro && !c.alerted && nowMs < line.periodEndMs) {
        c.alerted = true;
        softCrossed = true;
      }
      return { spentMicro: c.spent, softCrossed };
    });
  }

  async read(line: BudgetLine): Promise<{ spentMicro: number; reservedMicro: number }> {
    const c = this.counters.get(line.id);
    return { spentMicro: c?.spent ?? 0, reservedMicro: c?.reserved ?? 0 };
  }

  async close(): Promise<void> {}
}
