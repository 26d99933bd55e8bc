// Keeping secrets out of what the gateway emits: logs, span attributes, error messages
// returned to clients, turn records. Three tools:
//
// - secret header names (authorization, x-api-key, x-goog-api-key, …): never copied
//   anywhere; `isSecretHeaderName` also catches the usual variants (`x-foo-api-key`,
//   `x-auth-token`, `*-secret`).
// - `redactUrl`: a URL without its userinfo (`https://user:token@host`) and with the
//   values of credential-like query parameters (`?key=`, `access_token=`, `sig=`…)
//   replaced, for any URL that reaches a log line, a span or an error message.
// - `scrubSecrets`: removes known secret values (the keys the gateway just sent
//   upstream) from a text, in the forms an upstream might echo them: verbatim, base64,
//   base64url and URL-encoded.
export const REDACTED = '[redacted]';

// Headers that carry provider or gateway credentials.
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
  'set-cookie',
]);

const SECRET_HEADER_PATTERN = /(^|[-_])(authorization|api[-_]?key|token|secret|password|cookie|credentials?|signature)$/;

export function isSecretHeaderName(name: string): boolean {
  const n = name.trim().toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_PATTERN.test(n);
}

// Query parameters whose value is a credential (Google's `key=`, SAS `sig=`, OAuth's `access_token=`…).
const SECRET_QUERY_PARAMS = /^(key|api[-_]?key|apikey|x-goog-api-key|access[-_]?token|id[-_]?token|refresh[-_]?token|token|auth|authorization|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|password|passwd|secret|client[-_]?secret|code)$/i;

// A URL (or a text containing URLs) made safe to log: userinfo dropped, credential query
// parameters' values replaced. Works on free text too (an error message quoting a URL).
export function redactUrl(text: string): string {
  if (!text) return text;
  return (
    text
      // scheme://user:pass@host → scheme://host (also scheme://token@host)
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, '$1')
      // ?key=VALUE / &access_token=VALUE → [redacted]
      .replace(/([?&;])([^=&\s#"'<>]+)=([^&\s#"'<>]*)/g, (m, sep: string, name: string) => {
        let decoded = name;
        try {
          decoded = decodeURIComponent(name);
        } catch {
          /* keep the raw name */
        }
        return SECRET_QUERY_PARAMS.test(decoded) ? `${sep}${name}=${REDACTED}` : m;
      })
  );
}

// The forms of a secret an echo might take.
function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  forms.add(encodeURIComponent(secret));
  forms.add(JSON.stringify(secret).slice(1, -1));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

// Shorter values are not treated as secrets (a 3-letter "key" would redact half the text).
const MIN_SECRET_LENGTH = 8;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `text` with every known secret (and its encodings) replaced by [redacted].
export function scrubSecrets(text: string, secrets: Iterable<string | undefined>): string {
  if (!text) return text;
  const forms = new Set<string>();
  for (const s of secrets) if (s && s.length >= MIN_SECRET_LENGTH) for (const f of formsOf(s)) forms.add(f);
  if (forms.size === 0) return text;
  // Longest first, so a secret's base64 is not half-replaced by a shorter form.
  const re = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return text.replace(re, REDACTED);
}

// The secret values among request headers: each secret header's value, and for
// `Bearer <token>` / `Basic <b64>` the credential alone (what an upstream would echo).
export function secretsOfHeaders(headers: Record<string, string | string[] | undefined> | undefined): string[] {
  const out: string[] = [];
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    if (!isSecretHeaderName(name) || raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (!value) continue;
      out.push(value);
      const m = /^\s*(?:Bearer|Basic|Token)\s+(.+?)\s*$/i.exec(value);
      if (m) {
        out.push(m[1]);
        // Basic: the decoded `user:password`, and the password alone.
        if (/^\s*Basic/i.test(value)) {
          const decoded = Buffer.from(m[1], 'base64').toString('utf8');
          out.push(decoded);
          const colon = decoded.indexOf(':');
          if (colon >= 0) out.push(decoded.slice(colon + 1));
        }
      }
    }
  }
  return out;
}

// A value taken from a client header for a log line or a span attribute: no control
// characters (no forged log lines: CR/LF, ANSI escapes, U+2028/2029), no URL
// credentials or `?key=` values, at most `max` characters.
export const MAX_ATTRIBUTE_LENGTH = 256;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators, bidi overrides.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function sanitizeHeaderValue(value: string, max = MAX_ATTRIBUTE_LENGTH): string {
  let v = value.replace(CONTROL_CHARS, ' ').trim();
  v = redactUrl(v);
  if (v.length > max) v = v.slice(0, max);
  return v;
}
