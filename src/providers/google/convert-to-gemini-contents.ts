// Canonical items (and instructions) → Gemini `systemInstruction` and `contents`.
// https://ai.google.dev/api/generate-content#request-body, https://ai.google.dev/gemini-api/docs/function-calling
//
// - `instructions` and every system/developer message → `systemInstruction` (text only).
// - Roles are `user` and `model`; consecutive contents of one role are merged.
// - The assistant output of one response (reasoning, text, calls) is ONE model content:
//   parallel calls stay together, in order. Their outputs are ONE user content of
//   `functionResponse` parts, in the order they came, each naming its function (looked up
//   from the history by call id; Gemini matches responses to calls by name).
// - Gemini refuses a call turn whose responses are missing ("the number of function response
//   parts should be equal to the number of function call parts"): a call without an output
//   in the history gets a placeholder response saying so (recorded as a warning); an output
//   whose call is not in the model turn just before it goes as user text (also recorded).
// - Thought parts and thought signatures come back from the reasoning items' state
//   (gemini-reasoning-state.ts): thoughts where the reasoning item stands, a call's signature
//   on its functionCall part, a text signature on the part just before the reasoning item.
//   Gemini 3 refuses a step whose first functionCall lacks its signature; where none is
//   available (history from another model, a Chat client that drops reasoning), Google's
//   documented `skip_thought_signature_validator` goes in its place, with a warning.
import type { ContentPart, Item, Request } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import type { ToolNameMap } from '../shared/tool-names.js';
import { CUSTOM_INPUT_FIELD } from '../shared/wrap-custom-tool.js';
import { convertUserPart, toolOutputResponse } from './convert-to-gemini-content-parts.js';
import type { GeminiContent, GeminiPart } from './gemini-api.js';
import { isGemini3OrLater } from './gemini-model-family.js';
import { readGeminiState, SKIP_SIGNATURE_VALIDATOR } from './gemini-reasoning-state.js';
import { parseCallArguments } from '../shared/parse-call-arguments.js';

export interface GeminiContentsConversion {
  systemInstruction?: { parts: Array<{ text: string }> };
  contents: GeminiContent[];
}

export function convertToGeminiContents(req: Request, model: string, names: ToolNameMap, warnings: string[]): GeminiContentsConversion {
  const system: string[] = [];
  if (req.instructions) system.push(req.instructions);

  // Signatures of calls, from every readable reasoning state of this model.
  const callSignatures = new Map<string, string>();
  let otherModel = 0;
  for (const item of req.items) {
    if (item.type !== 'reasoning') continue;
    const state = readGeminiState(item.state);
    if (!state) continue;
    if (item.state!.model !== model) {
      otherModel++;
      continue;
    }
    for (const [callId, signature] of Object.entries(state.calls ?? {})) callSignatures.set(callId, signature);
  }
  if (otherModel > 0) {
    warnings.push(`${otherModel} reasoning item(s) came from another Gemini model (${[...new Set(req.items.flatMap((i) => (i.type === 'reasoning' && i.state && i.state.model !== model ? [i.state.model] : [])))].join(', ')}); their thought signatures were not sent to ${model}`);
  }

  const contents: GeminiContent[] = [];
  // A text signature whose part has not been written yet (reasoning item before its text).
  let pendingSignature: string | undefined;
  const push = (role: GeminiContent['role'], parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    // A signature belongs to the model content it came in.
    if (role === 'user') pendingSignature = undefined;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts: [...parts] });
  };

  // The calls of the latest model content, waiting for their responses.
  let openCalls = new Map<string, { wire: string; answered: boolean }>();
  let toolMedia: GeminiPart[] = [];
  const callNames = new Map<string, string>();

  const modelPart = (part: GeminiPart) => {
    if (pendingSignature !== undefined && !part.thought && part.thoughtSignature === undefined) {
      part.thoughtSignature = pendingSignature;
      pendingSignature = undefined;
    }
    if (contents.at(-1)?.role !== 'model') openCalls = new Map();
    push('model', [part]);
  };
  // Before anything that is not a function response: close the call turn.
  const closeCallTurn = () => {
    const missing = [...openCalls].filter(([, c]) => !c.answered);
    if (missing.length > 0) {
      push(
        'user',
        missing.map(([, c]) => ({ functionResponse: { name: c.wire, response: { error: 'No result was recorded for this call (it may have been interrupted).' } } })),
      );
      warnings.push(`tool call(s) ${missing.map(([id]) => `'${id}'`).join(', ')} have no output in the history; Gemini was sent a placeholder result`);
    }
    openCalls = new Map();
    if (toolMedia.length > 0) {
      push('user', toolMedia);
      toolMedia = [];
    }
  };

  req.items.forEach((item: Item, i) => {
    const param = `input[${i}]`;
    switch (item.type) {
      case 'message': {
        if (item.role === 'system' || item.role === 'developer') {
          system.push(systemText(item.content, item.role, param));
          return;
        }
        if (item.role === 'assistant') {
          if (contents.at(-1)?.role !== 'model') closeCallTurn();
          item.content.forEach((part, j) => {
            if (part.type !== 'text' && part.type !== 'refusal') {
              throw unsupported(`${param}.content[${j}]`, `an assistant message can only hold text for Gemini, not '${part.type}'`);
            }
            // Empty text is refused by Gemini ("empty text parameter") and says nothing.
            if (part.text !== '') modelPart({ text: part.text });
          });
          return;
        }
        closeCallTurn();
        const parts = item.content.flatMap((part, j) =>
          // Empty text is refused by Gemini and says nothing.
          part.type === 'text' && part.text === '' ? [] : [convertUserPart(part, `${param}.content[${j}]`, warnings)],
        );
        push('user', parts);
        return;
      }
      case 'reasoning': {
        const state = readGeminiState(item.state);
        if (!state || item.state!.model !== model) return;
        if (contents.at(-1)?.role !== 'model') {
          closeCallTurn();
          pendingSignature = undefined;
          openCalls = new Map();
        }
        if (state.previousPart !== undefined) {
          const last = contents.at(-1)?.role === 'model' ? [...contents.at(-1)!.parts].reverse().find((p) => !p.thought) : undefined;
          if (last && last.thoughtSignature === undefined) last.thoughtSignature = state.previousPart;
          else pendingSignature = state.previousPart;
        }
        for (const t of state.thoughts ?? []) {
          const part: GeminiPart = { text: t.text, thought: true };
          if (t.thoughtSignature !== undefined) part.thoughtSignature = t.thoughtSignature;
          push('model', [part]);
        }
        return;
      }
      case 'function_call':
      case 'custom_tool_call': {
        if (contents.at(-1)?.role !== 'model') closeCallTurn();
        const wire = item.type === 'function_call' ? names.toWire(item.name, item.namespace, 'function') : names.toWire(item.name, undefined, 'custom');
        const args = item.type === 'function_call' ? parseCallArguments(item.arguments, `${param}.arguments`, 'Gemini', warnings) : { [CUSTOM_INPUT_FIELD]: item.input };
        const part: GeminiPart = { functionCall: { name: wire, args } };
        const signature = callSignatures.get(item.callId);
        if (signature !== undefined) part.thoughtSignature = signature;
        modelPart(part);
        openCalls.set(item.callId, { wire, answered: false });
        callNames.set(item.callId, wire);
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const { response, media } = toolOutputResponse(item.output, `${param}.output`, warnings);
        const call = openCalls.get(item.callId);
        if (!call || call.answered) {
          // Not a response to the model turn just before: Gemini would refuse it as a
          // functionResponse, so the result goes as text.
          closeCallTurn();
          const name = callNames.get(item.callId);
          const text = typeof response.output === 'string' ? response.output : JSON.stringify(response);
          push('user', [{ text: `Output of tool call ${item.callId}${name ? ` (${name})` : ''}:\n${text}` }, ...media]);
          warnings.push(`${param}: output for call '${item.callId}' does not follow its call in the history; sent to Gemini as user text`);
          return;
        }
        call.answered = true;
        push('user', [{ functionResponse: { name: call.wire, response } }]);
        toolMedia.push(...media);
        return;
      }
    }
  });
  closeCallTurn();

  if (contents.length === 0) {
    throw invalidRequest('input', 'Gemini needs at least one user or assistant message (instructions alone are not a conversation)');
  }

  if (isGemini3OrLater(model)) {
    const patched: string[] = [];
    for (const content of contents) {
      if (content.role !== 'model') continue;
      const first = content.parts.find((p) => p.functionCall !== undefined);
      if (first && first.thoughtSignature === undefined) {
        first.thoughtSignature = SKIP_SIGNATURE_VALIDATOR;
        patched.push(first.functionCall!.name ?? '');
      }
    }
    if (patched.length > 0) {
      warnings.push(`no thought signature for the call(s) ${patched.map((n) => `'${n}'`).join(', ')} (history not written by ${model} through this gateway); sent with Gemini's skip_thought_signature_validator`);
    }
  }

  const out: GeminiContentsConversion = { contents };
  const text = system.filter((s) => s !== '').join('\n\n');
  if (text !== '') out.systemInstruction = { parts: [{ text }] };
  return out;
}

function systemText(content: ContentPart[], role: string, param: string): string {
  return content
    .map((part, j) => {
      if (part.type === 'text') return part.text;
      throw unsupported(`${param}.content[${j}]`, `a ${role} message becomes Gemini's systemInstruction, which holds text only, not '${part.type}'`);
    })
    .join('\n\n');
}

