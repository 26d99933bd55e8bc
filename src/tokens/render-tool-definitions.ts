// The tool definitions as the model reads them, so their tokens can be counted. OpenAI
// does not publish how its hosted models render tools; it does publish the harmony format
// of its open models (github.com/openai/harmony docs/format.md), which turns each
// function's JSON Schema into a TypeScript-like type inside a `namespace functions`, with
// descriptions as `//` comments. Counting that text reproduces OpenAI's own API-checked
// cookbook example (one function, two properties, an enum: 68 tool tokens for gpt-4o)
// to within one token, where counting the JSON would overshoot by about half.
//
// Freeform (custom) tools have no published rendering: they are written as a function
// taking a string, followed by their grammar's text, which is counted in full.
import type { JsonSchema, Tool } from '../canonical/types.js';

export function renderToolDefinitions(tools: readonly Tool[]): string {
  const namespaces = new Map<string, { description?: string; entries: string[] }>();
  const section = (name: string, description?: string) => {
    let ns = namespaces.get(name);
    if (!ns) namespaces.set(name, (ns = { description, entries: [] }));
    return ns;
  };
  for (const tool of tools) {
    if (tool.type === 'function') {
      const params = hasProperties(tool.parameters) ? `(_: ${renderType(tool.parameters, '')})` : '()';
      section(tool.namespace ?? 'functions', tool.namespaceDescription).entries.push(`${comment(tool.description, '')}type ${tool.name} = ${params} => any;\n`);
    } else {
      const grammar = tool.format?.type === 'grammar' ? `// ${tool.format.syntax} grammar:\n${tool.format.definition}\n` : '';
      section('functions').entries.push(`${comment(tool.description, '')}type ${tool.name} = (_: string) => any;\n${grammar}`);
    }
  }
  const blocks = [...namespaces].map(
    ([name, ns]) => `## ${name}\n\n${comment(ns.description, '')}namespace ${name} {\n\n${ns.entries.join('\n')}\n} // namespace ${name}`,
  );
  return `# Tools\n\n${blocks.join('\n\n')}`;
}

function hasProperties(schema: JsonSchema): boolean {
  const props = schema.properties;
  return typeof props === 'object' && props !== null && Object.keys(props).length > 0;
}

// JSON Schema → a TypeScript-like type, in the harmony renderer's manner.
export function renderType(schema: unknown, indent: string): string {
  if (typeof schema !== 'object' || schema === null) return 'any';
  const s = schema as Record<string, unknown>;
  const nullable = s.nullable === true ? ' | null' : '';
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.map((v) => JSON.stringify(v)).join(' | ') + nullable;
  if ('const' in s) return JSON.stringify(s.const);
  const variants = (Array.isArray(s.anyOf) && s.anyOf) || (Array.isArray(s.oneOf) && s.oneOf);
  if (variants) return variants.map((v) => renderType(v, indent)).join(' | ') + nullable;
  if (Array.isArray(s.type)) return s.type.map((t) => renderType({ ...s, type: t }, indent)).join(' | ');
  switch (s.type) {
    case 'integer':
      return 'number' + nullable;
    case 'array': {
      const item = renderType(s.items, indent);
      return (/[ {]/.test(item) ? `Array<${item}>` : `${item}[]`) + nullable;
    }
    case 'object':
    case undefined:
      if (s.properties && typeof s.properties === 'object') return renderObject(s, indent) + nullable;
      return (s.type === 'object' ? 'object' : 'any') + nullable;
    default:
      return String(s.type) + nullable;
  }
}

// Properties at `indent` (none at the top level, as in harmony's examples), nested
// objects two spaces deeper.
function renderObject(s: Record<string, unknown>, indent: string): string {
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const lines = Object.entries(s.properties as Record<string, unknown>).map(([name, prop]) => {
    const p = (typeof prop === 'object' && prop !== null ? prop : {}) as Record<string, unknown>;
    const def = 'default' in p ? ` // default: ${JSON.stringify(p.default)}` : '';
    return `${comment(p.description, indent)}${indent}${name}${required.has(name) ? '' : '?'}: ${renderType(p, indent + '  ')},${def}`;
  });
  return `{\n${lines.join('\n')}\n${indent.slice(2)}}`;
}

function comment(text: unknown, indent: string): string {
  if (typeof text !== 'string' || text === '') return '';
  return text.split('\n').map((line) => `${indent}// ${line}\n`).join('');
}
