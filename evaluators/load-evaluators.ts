// The evaluators a worker (or the in-process queue) runs: the built-in ones, the LLM
// judge when configured, and the user's modules from `evaluation.evaluators` (paths
// relative to the config file) and GATEWAY_EVALUATORS (comma-separated paths or package
// names). A module's default export is an Evaluator or an array of them.
import { isAbsolute, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedConfig } from '../src/config/types.js';
import type { Evaluator } from './evaluator.js';
import { builtinEvaluators } from './builtin-evaluators.js';
import { llmJudgeFromConfig } from './llm-judge-from-config.js';

export async function loadEvaluators(loaded: LoadedConfig, env: NodeJS.ProcessEnv): Promise<Evaluator[]> {
  const evaluators: Evaluator[] = [...builtinEvaluators];
  const judge = llmJudgeFromConfig(loaded.config, env);
  if (judge) evaluators.push(judge);
  const base = loaded.file.startsWith('<') ? process.cwd() : dirname(loaded.file);
  const specs = [
    ...(loaded.config.evaluation?.evaluators ?? []).map((p) => ({ spec: p, base })),
    ...(env.GATEWAY_EVALUATORS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => ({ spec: p, base: process.cwd() })),
  ];
  for (const { spec, base: from } of specs) evaluators.push(...(await importEvaluators(spec, from)));
  const names = new Set<string>();
  for (const e of evaluators) {
    if (names.has(e.name)) throw new Error(`two evaluators are named "${e.name}": names must be unique (they key the stored scores)`);
    names.add(e.name);
  }
  return evaluators;
}

async function importEvaluators(spec: string, from: string): Promise<Evaluator[]> {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  const target = isPath ? pathToFileURL(resolve(from, spec)).href : spec;
  let mod: any;
  try {
    mod = await import(target);
  } catch (err) {
    throw new Error(`evaluator module ${spec}: cannot be loaded (${(err as Error).message})`);
  }
  const exported = mod.default ?? mod.evaluator;
  const list = Array.isArray(exported) ? exported : [exported];
  for (const e of list)
    if (typeof e?.name !== 'string' || typeof e?.evaluate !== 'function')
      throw new Error(`evaluator module ${spec}: its default export must be an Evaluator ({ name, evaluate(record, ctx) }) or an array of them`);
  return list as Evaluator[];
}
