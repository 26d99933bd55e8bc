import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultConfigPath, loadConfigFile, parseConfig } from '../../../src/config/load-config.js';
import { resolveApiKey } from '../../../src/config/resolve-api-key.js';
import { GatewayError } from '../../../src/http/errors.js';

// The seed's example from DESIGN.md, byte for byte: it must load unchanged.
const SEED = `routes:
  - alias: "claude-opus-4-7-via-gateway"
    provider: "anthropic"            # anthropic | google | vertex | openai | mistral | openai_compatible
    model: "claude-opus-4-7-20260420"
    api_key_ref: "anthropic_team_key"
    translation: "openai_responses_v1"   # or "passthrough"
    base_url: "http://..."           # optional for every provider (tests, EU, self-host)
routing_policy:
  default: "gpt-5.1"
  rules:
    - if: "input_tokens < 8000"
      route_to: "gemini-2.5-pro-via-gateway"
attributes:
  fi.attributes.user.id: "\${headers.x-developer-email}"
  fi.attributes.repo: "\${headers.x-repo}"
`;

const SEED_TARGET = `  - alias: "gemini-2.5-pro-via-gateway"
    provider: "google"
    model: "gemini-2.5-pro"
    api_key_ref: "gemini_key"
`;

// The seed's rule routes to an alias its snippet does not define; with that route
// added after the first one (and nothing else changed) it loads.
const seedWithTarget = SEED.replace('routing_policy:', `${SEED_TARGET}routing_policy:`);

function refusal(text: string): ConfigError {
  try {
    parseConfig(text, 'routes.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the config was accepted');
}

describe('config loading', () => {
  it('loads the seed example from DESIGN.md unchanged', () => {
    const loaded = parseConfig(SEED, 'routes.yaml');
    const route = loaded.routesByAlias.get('claude-opus-4-7-via-gateway')!;
    expect(route).toMatchObject({ provider: 'anthropic', model: 'claude-opus-4-7-20260420', api_key_ref: 'anthropic_team_key', translation: 'openai_responses_v1', base_url: 'http://...' });
    expect(loaded.config.routing_policy?.rules?.[0]).toEqual({ if: 'input_tokens < 8000', route_to: 'gemini-2.5-pro-via-gateway' });
    expect(loaded.config.attributes?.['fi.attributes.repo']).toBe('${headers.x-repo}');
    // Its rule and default name aliases the snippet does not define: said, with lines.
    expect(loaded.warnings).toEqual([
      'routes.yaml:12: routing_policy.rules[0].route_to: no route has the alias "gemini-2.5-pro-via-gateway" (aliases: claude-opus-4-7-via-gateway); the rule cannot apply',
      'routes.yaml:9: routing_policy.default: no route has the alias "gpt-5.1" (aliases: claude-opus-4-7-via-gateway); requests without a known model get 404',
    ]);
  });

  it('has no warnings once the aliases the seed names exist', () => {
    const full = seedWithTarget.replace('routing_policy:', '  - alias: "gpt-5.1"\n    provider: openai\n    model: gpt-5.1\nrouting_policy:');
    expect(parseConfig(full, 'routes.yaml').warnings).toEqual([]);
  });

  it('loads config/routes.example.yaml, the default when no routes.yaml exists', () => {
    const loaded = loadConfigFile(join(process.cwd(), 'config', 'routes.example.yaml'));
    expect(loaded.routesByAlias.size).toBeGreaterThan(3);
    expect(defaultConfigPath({}, process.cwd())).toMatch(/config\/routes(\.example)?\.yaml$/);
    expect(defaultConfigPath({ GATEWAY_CONFIG: '/etc/gw.yaml' })).toBe('/etc/gw.yaml');
  });

  it('refuses an unknown provider with its line and the allowed values', () => {
    const err = refusal('routes:\n  - alias: a\n    provider: azure\n    model: m\n');
    expect(err.message).toBe('routes.yaml:3: routes[0].provider: must be one of "anthropic", "google", "vertex", "openai", "mistral", "openai_compatible"');
  });

  it('refuses an unknown key on the line of that key', () => {
    const err = refusal('routes:\n  - alias: a\n    provider: openai\n    model: m\n\n    max_input_tokenz: 5\n');
    expect(err.line).toBe(6);
    expect(err.reason).toBe('routes[0]: unknown key "max_input_tokenz"');
  });

  it('refuses a missing required key', () => {
    const err = refusal('routes:\n  - alias: a\n    provider: openai\n');
    expect(err.line).toBe(2);
    expect(err.reason).toBe('routes[0]: missing required key "model"');
  });

  it('refuses broken YAML with its line', () => {
    const err = refusal('routes:\n  - alias: "a\n    provider: openai\n');
    expect(err.reason).toMatch(/^YAML syntax/);
    expect(err.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses an openai_compatible route without base_url, duplicate aliases and unknown fallbacks', () => {
    expect(refusal('routes:\n  - alias: a\n    provider: openai_compatible\n    model: m\n').reason).toContain('needs a base_url');
    expect(refusal('routes:\n  - alias: a\n    provider: openai\n    model: m\n  - alias: a\n    provider: openai\n    model: n\n').line).toBe(5);
    expect(refusal('routes:\n  - alias: a\n    provider: openai\n    model: m\n    fallbacks: [b]\n').reason).toContain('fallbacks[0]: no route has the alias "b"');
  });

  it('compiles the seed rules at load', () => {
    const loaded = parseConfig(seedWithTarget, 'routes.yaml');
    expect(loaded.rules).toHaveLength(1);
    expect(loaded.rules[0].route_to).toBe('gemini-2.5-pro-via-gateway');
    expect(loaded.rules[0].if.source).toBe('input_tokens < 8000');
  });

  it('refuses a bad rule expression with the rule index, its line and the position in the expression', () => {
    const text = seedWithTarget.replace('    - if: "input_tokens < 8000"', '    - if: "input_tokens < 8000"\n      route_to: "gemini-2.5-pro-via-gateway"\n    - if: "tools_include(\'apply_patch\') and input_tokenz > 3"');
    const err = refusal(text);
    expect(err.line).toBe(17);
    expect(err.reason).toMatch(/^routing_policy\.rules\[1\]\.if, at position 33: unknown variable 'input_tokenz'/);
    expect(err.reason).toContain("\n    tools_include('apply_patch') and input_tokenz > 3\n                                     ^");
  });

  it('reports a file that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-cfg-'));
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read the file \(ENOENT\)/);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'routes: 3\n');
    try {
      expect(() => loadConfigFile(file)).toThrow(`${file}:1: routes: must be array`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('api_key_ref', () => {
  const route = { alias: 'a', provider: 'openai' as const, model: 'm', api_key_ref: 'anthropic_team_key' };
  it('reads the upper-cased environment variable', () => {
    expect(resolveApiKey(route, { routes: [route] }, { ANTHROPIC_TEAM_KEY: 'sk-1' })).toBe('sk-1');
  });
  it('follows a keys: mapping', () => {
    expect(resolveApiKey(route, { routes: [route], keys: { anthropic_team_key: 'OTHER' } }, { OTHER: 'sk-2' })).toBe('sk-2');
  });
  it('is a clear error for that route when missing, without crashing', () => {
    const err = (() => {
      try {
        resolveApiKey(route, { routes: [route] }, {});
      } catch (e) {
        return e as GatewayError;
      }
    })()!;
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.message).toBe('The route "a" has no API key: set the environment variable ANTHROPIC_TEAM_KEY (api_key_ref "anthropic_team_key").');
  });
});
