// The config the gateway serves, reloadable while it runs. A reload loads the whole
// file first and swaps one reference only if it is valid, so a request sees one
// config from start to end (it reads `current` once) and new requests see the new
// one. An invalid file is refused with file:line: reason and the old config stays.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadConfigFile } from './load-config.js';
import type { LoadedConfig, RouteConfig } from './types.js';

export interface ConfigStore {
  readonly current: LoadedConfig;
  // Loads the file now; true if the new config is in use, false if it was refused.
  reload(reason: string): boolean;
  // Reloads whenever the file changes (in place, or replaced by a rename).
  watch(): void;
  close(): void;
}

export interface ConfigStoreOptions {
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  // Already loaded from `file` (its warnings already reported); else it is loaded now,
  // and a ConfigError is thrown as at start-up.
  initial?: LoadedConfig;
  // Editors write a file in several steps; wait this long after the last event.
  debounceMs?: number;
  // After the watcher fails or its directory is removed or replaced, watch again
  // (retrying this often while the directory is missing).
  rewatchMs?: number;
}

// Read at start-up only (the HTTP server, the upstream client, the sealing secret):
// a reload that changes them says they need a restart.
const RESTART_ONLY = ['server', 'reasoning_state'] as const;

// Kubernetes mounts a ConfigMap as `routes.yaml -> ..data/routes.yaml` and updates it
// by renaming the `..data` link, so the file's own name never shows up in an event.
const CONFIGMAP_LINK = '..data';

export function createConfigStore(file: string, opts: ConfigStoreOptions): ConfigStore {
  const { logger } = opts;
  const path = resolve(file);
  const dir = dirname(path);
  const name = basename(path);
  const debounceMs = opts.debounceMs ?? 100;
  const rewatchMs = opts.rewatchMs ?? 1000;

  let current: LoadedConfig;
  if (opts.initial) {
    current = opts.initial;
  } else {
    current = loadConfigFile(file);
    for (const w of current.warnings) logger.warn(w);
  }
  // What the watcher last saw, so a touch or a duplicate event does not reload (or
  // repeat the same refusal).
  let lastSeen = digest(path);

  let watcher: FSWatcher | undefined;
  // The watched directory's identity: on Linux, a watch on a directory that is moved or
  // deleted emits one event named after the directory itself and then nothing, not an error.
  let watchedDir: string | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let rewatch: NodeJS.Timeout | undefined;
  let watching = false;

  function reload(reason: string): boolean {
    const previous = current;
    lastSeen = digest(path);
    let next: LoadedConfig;
    try {
      next = loadConfigFile(file);
    } catch (err) {
      // ConfigError's message is `file:line: reason`; anything else is still a refusal,
      // never a crash of the serving process.
      const message = err instanceof Error ? err.message : String(err);
      logger.error({ file, reason, err: err instanceof Error && err.name !== 'ConfigError' ? err : undefined }, `config reload (${reason}) refused, keeping the previous config: ${message}`);
      return false;
    }
    current = next;
    const change = describeChange(previous, next);
    logger.info({ file, reason, ...change.fields }, `config reloaded (${reason}): ${change.summary}`);
    for (const w of next.warnings) logger.warn(w);
    const restart = RESTART_ONLY.filter((key) => JSON.stringify(previous.config[key]) !== JSON.stringify(next.config[key]));
    if (restart.length > 0)
      logger.warn({ file, keys: restart }, `config reload: ${restart.join(', ')} changed; the running server keeps the old values until it restarts`);
    return true;
  }

  function onEvent(_event: string, filename: string | Buffer | null) {
    // Some platforms give no name; then any event in the directory may be ours.
    const f = filename === null ? null : filename.toString();
    if (f === basename(dir) && f !== name && identity(dir) !== watchedDir) {
      logger.warn({ dir }, 'config watch: the directory was moved or removed; watching it again');
      unwatch();
      scheduleRearm(debounceMs);
      return;
    }
    if (f !== null && f !== name && f !== CONFIGMAP_LINK) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      const seen = digest(path);
      // Gone (mid-replace, or deleted): a later event brings the new file; keep serving.
      if (seen === undefined || seen === lastSeen) return;
      reload('file changed');
    }, debounceMs);
    debounce.unref();
  }

  function arm(): boolean {
    if (!watching) return false;
    try {
      watchedDir = identity(dir);
      watcher = watch(dir, { persistent: false }, onEvent);
    } catch (err) {
      logger.warn({ dir, err: (err as Error).message }, `config watch: cannot watch ${dir}; retrying every ${rewatchMs} ms`);
      scheduleRearm(rewatchMs);
      return false;
    }
    watcher.unref();
    watcher.on('error', (err) => {
      logger.warn({ dir, err: err.message }, 'config watch: the watcher failed; watching again');
      unwatch();
      scheduleRearm(rewatchMs);
    });
    return true;
  }

  function unwatch() {
    watcher?.close();
    watcher = undefined;
  }

  function scheduleRearm(delayMs: number) {
    if (!watching || rewatch) return;
    rewatch = setTimeout(() => {
      rewatch = undefined;
      // The file may have changed while nobody watched.
      if (arm()) onEvent('rename', name);
    }, delayMs);
    rewatch.unref();
  }

  return {
    get current() {
      return current;
    },
    reload,
    watch() {
      if (watching) return;
      watching = true;
      arm();
    },
    close() {
      watching = false;
      clearTimeout(debounce);
      clearTimeout(rewatch);
      debounce = rewatch = undefined;
      unwatch();
    },
  };
}

function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function digest(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

// What a reload changed, for one log line: route aliases added, removed and edited,
// and the policy's rule count and default.
export function describeChange(before: LoadedConfig, after: LoadedConfig): { summary: string; fields: Record<string, unknown> } {
  const added = [...after.routesByAlias.keys()].filter((a) => !before.routesByAlias.has(a));
  const removed = [...before.routesByAlias.keys()].filter((a) => !after.routesByAlias.has(a));
  const changed = [...after.routesByAlias.keys()].filter(
    (a) => before.routesByAlias.has(a) && !sameRoute(before.routesByAlias.get(a)!, after.routesByAlias.get(a)!),
  );
  const rulesBefore = before.config.routing_policy?.rules ?? [];
  const rulesAfter = after.config.routing_policy?.rules ?? [];
  const rulesChanged = JSON.stringify(rulesBefore) !== JSON.stringify(rulesAfter);
  const defaultBefore = before.config.routing_policy?.default;
  const defaultAfter = after.config.routing_policy?.default;
  const parts: string[] = [];
  if (added.length) parts.push(`routes added: ${added.join(', ')}`);
  if (removed.length) parts.push(`routes removed: ${removed.join(', ')}`);
  if (changed.length) parts.push(`routes changed: ${changed.join(', ')}`);
  parts.push(
    rulesAfter.length !== rulesBefore.length
      ? `${rulesAfter.length} rules (was ${rulesBefore.length})`
      : `${rulesAfter.length} rules${rulesChanged ? ' (edited)' : ''}`,
  );
  if (defaultBefore !== defaultAfter) parts.push(`default: ${defaultAfter ?? '(none)'} (was ${defaultBefore ?? '(none)'})`);
  return {
    summary: parts.join('; '),
    fields: { routes: [...after.routesByAlias.keys()], added, removed, changed, rules: rulesAfter.length, previousRules: rulesBefore.length },
  };
}

function sameRoute(a: RouteConfig, b: RouteConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
