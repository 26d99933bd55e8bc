// Seals provider state into a Responses `encrypted_content` string and opens it again.
// AES-256-GCM (authenticated: a tampered or foreign value does not open), keyed by a
// secret every replica shares, so any replica can open what another sealed.
// Format: "gw1." + base64url(iv[12] | tag[16] | ciphertext of JSON ProviderState).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { ProviderState } from '../canonical/types.js';

const PREFIX = 'gw1.';

export interface StateSealer {
  seal(state: ProviderState): string;
  // undefined when the value is not ours (OpenAI's own encrypted reasoning) or does not open.
  open(value: string): ProviderState | undefined;
  // True when the value carries our prefix (so a failure to open is worth a warning).
  isSealed(value: string): boolean;
}

export function createStateSealer(secret: string): StateSealer {
  // A fixed-length key from any secret; the secret is high-entropy by contract (README).
  const key = createHash('sha256').update('codex-gateway/state/v1\0').update(secret).digest();
  return {
    seal(state) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(value) {
      if (!value.startsWith(PREFIX)) return undefined;
      try {
        const raw = Buffer.from(value.slice(PREFIX.length), 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
        const state = JSON.parse(json) as ProviderState;
        return typeof state?.family === 'string' ? state : undefined;
      } catch {
        return undefined;
      }
    },
    isSealed: (value) => value.startsWith(PREFIX),
  };
}
