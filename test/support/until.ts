// Polls `probe` every 50 ms until it gives a truthy value (returned), or fails the test
// naming `what` after `timeoutMs`. A probe that throws counts as "not yet" (a Redis that
// is restarting, a file not yet written).
export async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve().then(probe).catch(() => undefined);
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
