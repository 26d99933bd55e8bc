// Loads config/routes.yaml: YAML (with line positions) → JSON Schema validation →
// cross-reference checks. Every refusal names the file, the line and the reason.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import AjvImport from 'ajv';
import type { ErrorObject } from 'ajv';
import type { GatewayConfig, LoadedConfig, RuleConfig } from './types.js';
import { compilePolicyExpression } from '../routing/policy/compile-policy-expression.js';
import { PolicyExpressionError } from '../routing/policy/policy-expression-error.js';
import type { CompiledRule } from '../routing/policy/evaluate-rules.js';
import { thresholdOf } from '../routing/policy/threshold-of.js';

const here = dirname(fileURLToPath(import.meta.url));
// src/config → project root, also from dist/src/config.
const projectRoot = [resolve(here, '..', '..'), resolve(here, '..', '..', '..')].find((d) => {
  try {
    readFileSync(join(d, 'config', 'routes.schema.json'));
    return true;
  } catch {
    return false;
  }
})!;

export const SCHEMA_PATH = join(projectRoot, 'config', 'routes.schema.json');

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'ConfigError';
  }
}

// ajv ships CommonJS; under NodeNext its default export is the namespace.
const Ajv = ((AjvImport as unknown as { default?: typeof AjvImport }).default ?? AjvImport) as unknown as new (
  opts: object,
) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } };

let validateSchema: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;
function schemaValidator() {
  validateSchema ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  return validateSchema;
}

// Which file to load: GATEWAY_CONFIG, else config/routes.yaml, else the example.
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): string {
  if (env.GATEWAY_CONFIG) return resolve(env.GATEWAY_CONFIG);
  for (const name of ['routes.yaml', 'routes.example.yaml']) {
    const p = join(root, 'config', name);
    try {
      readFileSync(p);
      return p;
    } catch {
      /* try the next */
    }
  }
  return join(root, 'config', 'routes.example.yaml');
}

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, null, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = '<config>'): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new ConfigError(file, line, `YAML syntax: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  const validate = schemaValidator();
  if (!validate(data)) {
    const err = mostUsefulError(validate.errors ?? []);
    throw new ConfigError(file, lineOf(doc, lineCounter, err.instancePath, err), describe(err));
  }
  const config = data as GatewayConfig;
  const routesByAlias = new Map<string, GatewayConfig['routes'][number]>();
  config.routes.forEach((route, i) => {
    const at = (key: string) => lineOf(doc, lineCounter, `/routes/${i}/${key}`);
    if (routesByAlias.has(route.alias)) throw new ConfigError(file, at('alias'), `routes[${i}].alias "${route.alias}" is used twice`);
    if (route.provider === 'openai_compatible' && !route.base_url)
      throw new ConfigError(file, at('provider'), `routes[${i}] (openai_compatible) needs a base_url, e.g. http://127.0.0.1:8000/v1`);
    if (route.translation === 'passthrough' && route.provider !== 'openai' && route.provider !== 'openai_compatible')
      throw new ConfigError(file, at('translation'), `routes[${i}]: translation "passthrough" needs an OpenAI-shaped upstream (provider openai or openai_compatible), not ${route.provider}`);
    routesByAlias.set(route.alias, route);
  });
  config.routes.forEach((route, i) => {
    (route.fallbacks ?? []).forEach((alias, j) => {
      if (!routesByAlias.has(alias))
        throw new ConfigError(file, lineOf(doc, lineCounter, `/routes/${i}/fallbacks/${j}`), `routes[${i}].fallbacks[${j}]: no route has the alias "${alias}"`);
    });
  });
  const judge = config.evaluation?.judge;
  if (judge && !routesByAlias.has(judge.route))
    throw new ConfigError(file, lineOf(doc, lineCounter, '/evaluation/judge/route'), `evaluation.judge.route: no route has the alias "${judge.route}"`);
  // A rule's exploration (evaluate-rules.ts): `explore` and `explore_to` go together,
  // `explore_to` must be a defined alias, `explore_band` needs them.
  const exploreWarnings: string[] = [];
  const ruleExploration = (rule: RuleConfig, i: number): CompiledRule['explore'] => {
    const at = (key: string) => lineOf(doc, lineCounter, `/routing_policy/rules/${i}/${key}`);
    const where = `routing_policy.rules[${i}]`;
    if (rule.explore !== undefined && rule.explore_to === undefined)
      throw new ConfigError(file, at('explore'), `${where}.explore needs explore_to: the alias explored turns go to`);
    if (rule.explore_to !== undefined && rule.explore === undefined)
      throw new ConfigError(file, at('explore_to'), `${where}.explore_to needs explore: the share of sessions explored, e.g. 0.05`);
    if (rule.explore_band !== undefined && rule.explore === undefined)
      throw new ConfigError(file, at('explore_band'), `${where}.explore_band needs explore and explore_to`);
    if (rule.explore === undefined || rule.explore_to === undefined) return undefined;
    if (!routesByAlias.has(rule.explore_to))
      throw new ConfigError(file, at('explore_to'), `${where}.explore_to: no route has the alias "${rule.explore_to}" (aliases: ${[...routesByAlias.keys()].join(', ')})`);
    if (rule.explore < 0 || rule.explore > 1) throw new ConfigError(file, at('explore'), `${where}.explore must be a share between 0 and 1, not ${rule.explore}`);
    if (rule.shadow) exploreWarnings.push(`${file}:${at('explore')}: ${where}.explore: a shadow rule is never applied, so it never explores`);
    const threshold = thresholdOf(rule.if);
    if (rule.explore_band !== undefined && !threshold)
      exploreWarnings.push(`${file}:${at('explore_band')}: ${where}.explore_band: the condition has no single input_tokens threshold joined by 'and', so only explore_to is explored`);
    return { share: rule.explore, to: rule.explore_to, band: rule.explore_band ?? 0.25, ...(threshold ? { threshold } : {}) };
  };
  // Rules compile once here, so a bad expression fails the load (with the rule's index,
  // its line and the position in the expression), never a request.
  const rules: CompiledRule[] = (config.routing_policy?.rules ?? []).map((rule, i) => {
    try {
      const compiled: CompiledRule = { if: compilePolicyExpression(rule.if), route_to: rule.route_to, ...(rule.shadow ? { shadow: true } : {}) };
      const explore = ruleExploration(rule, i);
      if (explore) compiled.explore = explore;
      return compiled;
    } catch (err) {
      if (!(err instanceof PolicyExpressionError)) throw err;
      const line = lineOf(doc, lineCounter, `/routing_policy/rules/${i}/if`);
      throw new ConfigError(
        file,
        line,
        `routing_policy.rules[${i}].if, at position ${err.position}: ${err.message}\n    ${rule.if}\n    ${' '.repeat(Math.min(err.position, rule.if.length))}^`,
      );
    }
  });
  // The seed's own example routes to aliases it does not define, and must load
  // unchanged: a policy naming an unknown alias is a warning (that rule or default can
  // never apply), not a refusal.
  const warnings: string[] = [...exploreWarnings];
  const aliases = [...routesByAlias.keys()].join(', ');
  (config.routing_policy?.rules ?? []).forEach((rule, i) => {
    if (!routesByAlias.has(rule.route_to)) {
      const line = lineOf(doc, lineCounter, `/routing_policy/rules/${i}/route_to`);
      warnings.push(`${file}:${line}: routing_policy.rules[${i}].route_to: no route has the alias "${rule.route_to}" (aliases: ${aliases}); the rule cannot apply`);
    }
  });
  const def = config.routing_policy?.default;
  if (def !== undefined && !routesByAlias.has(def)) {
    const line = lineOf(doc, lineCounter, '/routing_policy/default');
    warnings.push(`${file}:${line}: routing_policy.default: no route has the alias "${def}" (aliases: ${aliases}); requests without a known model get 404`);
  }
  return { file, config, routesByAlias, rules, warnings };
}

// With allErrors, a `oneOf`/`enum` failure comes with noise; the deepest error names the field best.
function mostUsefulError(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describe(err: ErrorObject): string {
  const where = err.instancePath
    ? err.instancePath
        .slice(1)
        .split('/')
        .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '')
    : 'the file';
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key "${String(p.additionalProperty)}"`;
    case 'required':
      return `${where}: missing required key "${String(p.missingProperty)}"`;
    case 'enum':
      return `${where}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${err.message ?? 'is invalid'}`;
  }
}

function lineOf(doc: Document, lc: LineCounter, pointer: string, err?: ErrorObject): number | null {
  const path = pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  // Point at the offending key itself where the schema names one.
  const extra = err?.keyword === 'additionalProperties' ? (err.params as { additionalProperty: string }).additionalProperty : undefined;
  for (let n = path.length; n >= 0; n--) {
    const target = extra !== undefined && n === path.length ? findKey(doc, [...path], extra) : doc.getIn(path.slice(0, n), true);
    if (isNode(target) && target.range) return lc.linePos(target.range[0]).line;
  }
  return null;
}

function findKey(doc: Document, path: (string | number)[], key: string): unknown {
  const parent = path.length ? doc.getIn(path, true) : doc.contents;
  const items = (parent as { items?: { key: unknown }[] } | null)?.items ?? [];
  return items.find((pair) => isNode(pair.key) && (pair.key as { value?: unknown }).value === key)?.key;
}
