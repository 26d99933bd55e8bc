// A replayed function call's `arguments` string as the JSON object Anthropic's
// `tool_use.input` and Gemini's `functionCall.args` require. Arguments that are not a
// JSON object (a model's broken JSON echoed back by the client) are kept, wrapped as
// {"arguments": "<the text>"}, with a warning, rather than lost.
export function parseCallArguments(args: string, param: string, provider: string, warnings: string[]): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // kept below
  }
  warnings.push(`${param} is not a JSON object; sent to ${provider} as {"arguments": "<the text>"}`);
  return { arguments: args };
}
