// What OpenAI bills beyond the text itself, in o200k tokens.
//
// Messages and the reply primer: OpenAI's cookbook "How to count tokens with tiktoken"
// (gpt-4o: tokens_per_message = 3 plus the role's token; every reply primed with 3),
// which it checks against the API's usage.prompt_tokens. Items that have no Chat
// equivalent (tool calls, tool outputs, reasoning) follow the harmony format that OpenAI
// documents for its open models (github.com/openai/harmony docs/format.md), counting the
// special tokens and header words around the content, e.g. for a call:
//   <|start|>assistant<|channel|>commentary to=functions.{name} <|constrain|>json<|message|>{arguments}<|call|>
export const REPLY_PRIMER = 3;
// <|start|>{role}<|message|> … <|end|>
export const PER_MESSAGE = 4;
// Assistant messages also name their channel: <|channel|>final
export const ASSISTANT_CHANNEL = 2;
// Around a function call's arguments, not counting the function's name.
export const PER_FUNCTION_CALL = 13;
// Around a freeform (custom) tool call's input: no <|constrain|>json.
export const PER_CUSTOM_TOOL_CALL = 11;
// <|start|>functions.{name} to=assistant<|channel|>commentary<|message|> … <|end|>, with a 2-token name.
export const PER_TOOL_OUTPUT = 12;
// <|start|>assistant<|channel|>analysis<|message|> … <|end|>
export const PER_REASONING = 6;
// "# Response Formats\n\n## {name}\n\n" around a json_schema response format.
export const PER_RESPONSE_FORMAT = 8;
// A file part (PDF, …) whose text cannot be read before dispatch: a rough page's worth.
export const PER_FILE = 1000;
