// Who and where a request comes from: developer, team, repo, and Codex's session and
// turn. Read once per request; tracing, the turn record and metrics all use it.
//
// Precedence: the gateway key's owner (auth.keys, checked in src/auth: `keyOwner`)
// before the configured `attributes:` templates (a key without a developer or team
// leaves that one to the templates); for the repo, the templates before the workspace
// git remotes Codex sends in `x-codex-turn-metadata`.
import type { GatewayConfig } from '../config/types.js';
import { requestKind } from '../routing/policy/build-policy-context.js';
import { normalizeRepoUrl } from './normalize-repo-url.js';
import { isSecretHeaderName, MAX_ATTRIBUTE_LENGTH, sanitizeHeaderValue } from '../security/redact.js';

export interface Identity {
  developer?: string;
  team?: string;
  repo?: string;
  sessionId?: string;
  turnId?: string;
  requestKind?: string;
  // The id (not the key) of the gateway key the request presented (auth.keys).
  key?: string;
}

export type Headers = Record<string, string | string[] | undefined>;

// Headers that carry provider or gateway keys (authorization, proxy-authorization,
// x-api-key, x-goog-api-key, api-key, cookie, and names like `x-auth-token`,
// `x-foo-api-key`): never copied into an attribute, even when a template names them
// (src/security/redact.ts: isSecretHeaderName).
//
// Every value taken from a header (attributes, session and turn ids) goes onto log lines
// and span attributes, so it is sanitised: control characters (CR/LF: forged log lines,
// ANSI escapes) become spaces, URL credentials and `?key=` values are redacted, and it is
// cut at 256 characters (MAX_ATTRIBUTE_LENGTH). A header value is substituted once, never
// read as a template itself: `${headers.authorization}` inside a value stays literal.

export interface ResolvedRequest {
  identity: Identity;
  // The configured `attributes:`, resolved, under their configured names.
  attributes: Record<string, string>;
}

export function resolveIdentity(headers: Headers, config: GatewayConfig, keyOwner?: { id?: string; developer?: string; team?: string }): ResolvedRequest {
  const attributes = resolveAttributes(config.attributes, headers);
  const metadata = turnMetadata(headers);
  const fromAttrs = (re: RegExp) => Object.entries(attributes).find(([name]) => re.test(name))?.[1];
  const identity: Identity = {
    developer: keyOwner?.developer ?? fromAttrs(/(^|\.)(user\.id|developer|user)$/),
    team: keyOwner?.team ?? fromAttrs(/(^|\.)team$/),
    repo: repoFrom(fromAttrs(/(^|\.)repo(sitory)?$/)) ?? repoFromWorkspaces(metadata?.workspaces),
    sessionId: clean(single(headers['session-id'])) || clean(stringOr(metadata?.session_id)),
    turnId: clean(stringOr(metadata?.turn_id)),
    requestKind: clean(requestKind(headers)),
    key: keyOwner?.id,
  };
  for (const k of Object.keys(identity) as (keyof Identity)[]) if (!identity[k]) delete identity[k];
  return { identity, attributes };
}

// `${headers.x-developer-email}` → that header's value; a template whose headers are
// all absent gives no attribute at all (an empty string would group as a real value).
export function resolveAttributes(templates: Record<string, string> | undefined, headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  if (!templates) return out;
  for (const [name, template] of Object.entries(templates)) {
    let missing = false;
    const value = template.replace(/\$\{headers\.([^}]+)\}/g, (_, h: string) => {
      const key = h.trim().toLowerCase();
      const v = isSecretHeaderName(key) ? undefined : clean(single(headers[key]));
      if (!v) missing = true;
      return v ?? '';
    });
    // The template's own text is config (trusted); the whole is capped again.
    const safe = value.length > MAX_ATTRIBUTE_LENGTH ? value.slice(0, MAX_ATTRIBUTE_LENGTH) : value;
    if (!missing && safe) out[name] = safe;
  }
  return out;
}

function repoFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return normalizeRepoUrl(value) ?? value;
}

// A header-borne value made safe for logs and spans (see above); undefined when nothing is left.
function clean(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return sanitizeHeaderValue(value) || undefined;
}

// Codex adds `workspaces: { <path>: { associated_remote_urls: { origin: url }, latest_git_commit_hash, has_changes } }`
// to its turn metadata inside a git checkout; `origin` is preferred, else the first remote.
function repoFromWorkspaces(workspaces: unknown): string | undefined {
  if (!workspaces || typeof workspaces !== 'object') return undefined;
  for (const ws of Object.values(workspaces as Record<string, any>)) {
    const remotes = ws?.associated_remote_urls;
    if (!remotes || typeof remotes !== 'object') continue;
    const urls: unknown[] = Array.isArray(remotes) ? remotes : [remotes.origin, ...Object.values(remotes)];
    for (const url of urls) {
      const repo = typeof url === 'string' ? normalizeRepoUrl(url) : undefined;
      if (repo) return sanitizeHeaderValue(repo);
    }
  }
  return undefined;
}

function turnMetadata(headers: Headers): Record<string, any> | undefined {
  const raw = single(headers['x-codex-turn-metadata']);
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

function single(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
