// The evaluators every worker runs; users' own are loaded beside them (evaluator.ts).
import type { Evaluator } from './evaluator.js';
import { taskCompletion } from './task-completion.js';
import { toolCallValidity } from './tool-call-validity.js';

export const builtinEvaluators: Evaluator[] = [toolCallValidity, taskCompletion];
