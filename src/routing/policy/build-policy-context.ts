// What the rules see of one request, derived from the canonical request and its headers.
import type { Item, Request, Tool } from '../../canonical/types.js';
import type { PolicyContext } from './policy-vocabulary.js';

export interface PolicyContextInput {
  request: Request;
  // Lower-case header names, as Node's IncomingMessage gives them.
  headers: PolicyContext['headers'];
  inputTokens: number;
  // From the gateway key (auth.keys) or the configured attributes; '' when unknown.
  identity?: { developer?: string; team?: string; repo?: string };
}

export function buildPolicyContext({ request, headers, inputTokens, identity = {} }: PolicyContextInput): PolicyContext {
  const tools = policyToolNames(request.tools, request.removedTools);
  return {
    input_tokens: inputTokens,
    model: request.model,
    request_kind: requestKind(headers),
    developer: identity.developer ?? '',
    team: identity.team ?? '',
    repo: identity.repo ?? '',
    // Each function of a namespace counts; hosted tools the gateway removed count too.
    tools_count: request.tools.length + request.removedTools.length,
    has_images: request.items.some(itemHasImage),
    reasoning_effort: request.reasoning?.effort ?? null,
    stream: request.stream,
    tools,
    headers,
  };
}

// `tools_include(name)` matches a tool's own name, its namespace-qualified names
// (`multi_agent_v1.spawn_agent`, `multi_agent_v1__spawn_agent`), the namespace itself, and
// hosted tools the client offered but the gateway removed (`web_search`): the client
// offered them, and a rule may want to send such requests to a provider that runs them.
export function policyToolNames(tools: readonly Tool[], removedTools: readonly string[] = []): Set<string> {
  const names = new Set<string>(removedTools);
  for (const tool of tools) {
    names.add(tool.name);
    if (tool.type === 'function' && tool.namespace) {
      names.add(tool.namespace);
      names.add(`${tool.namespace}.${tool.name}`);
      names.add(`${tool.namespace}__${tool.name}`);
    }
  }
  return names;
}

// Codex says what a request is for in two headers (test/fixtures/codex/README.md):
// `x-openai-subagent` on sub-agent requests (`review`, `compact`, `collab_spawn`, …) and
// `x-codex-turn-metadata` JSON with `request_kind` (`turn`, `compaction`, `prewarm`). The
// sub-agent label is the more specific; `compact` is reported as `compaction` so one rule
// covers both. Anything else is a `turn`.
export function requestKind(headers: PolicyContext['headers']): string {
  const subagent = single(headers['x-openai-subagent']);
  if (subagent) return subagent === 'compact' ? 'compaction' : subagent;
  const metadata = single(headers['x-codex-turn-metadata']);
  if (metadata) {
    try {
      const kind = (JSON.parse(metadata) as { request_kind?: unknown }).request_kind;
      if (typeof kind === 'string' && kind !== '') return kind;
    } catch {
      // Not JSON: a client bug is no reason to fail routing.
    }
  }
  return 'turn';
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function itemHasImage(item: Item): boolean {
  switch (item.type) {
    case 'message':
      return item.content.some((p) => p.type === 'image');
    case 'function_call_output':
    case 'custom_tool_call_output':
      return typeof item.output !== 'string' && item.output.some((p) => p.type === 'image');
    default:
      return false;
  }
}
