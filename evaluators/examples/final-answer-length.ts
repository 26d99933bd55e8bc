// Example user evaluator: flags tasks whose final answer is shorter than a threshold
// (a bare "done" after a long task often hides a model that gave up).
//
// Registering it: list the module under `evaluation.evaluators:` in config/routes.yaml
// (paths relative to that file; Node must be able to import it: the compiled .js that
// `npm run build` writes to dist/evaluators/examples/, or the .ts under tsx)
//
//   evaluation:
//     evaluators:
//       - ../dist/evaluators/examples/final-answer-length.js
//
// or in the environment (comma-separated, relative to the working directory):
//   GATEWAY_EVALUATORS=./dist/evaluators/examples/final-answer-length.js
// The worker imports each module and runs its default export: an Evaluator or an Evaluator[].
// Evaluators must be quick and pure, or honour ctx.signal when they do I/O.
import type { Evaluator } from '../evaluator.js';

// Characters below which a final answer counts as too short (copy the file to change it).
const MIN_CHARACTERS = 20;

const finalAnswerLength: Evaluator = {
  name: 'final_answer_length',
  evaluate(record) {
    // Only answers that end a task: a turn that made tool calls is still working, and
    // one the gateway could not observe has no known length.
    if (record.status !== 'completed' || record.toolCalls.length > 0 || !record.outputObserved) return undefined;
    const n = record.finalTextLength;
    const long = n >= MIN_CHARACTERS;
    return {
      name: 'final_answer_length',
      score: long ? 1 : n / MIN_CHARACTERS,
      label: long ? 'ok' : 'short',
      explanation: `The final answer has ${n} characters (threshold ${MIN_CHARACTERS}).`,
    };
  },
};

export default finalAnswerLength;
