import { describe, expect, it } from 'vitest';
import { renderToolDefinitions, renderType } from '../../../src/tokens/render-tool-definitions.js';

describe('renderToolDefinitions: the harmony format’s TypeScript-like tool list', () => {
  it('renders the cookbook’s weather function as harmony’s docs show it', () => {
    const text = renderToolDefinitions([
      {
        type: 'function',
        name: 'get_current_weather',
        description: 'Get the current weather in a given location',
        parameters: {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
            unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['location'],
        },
      },
    ]);
    expect(text).toBe(
      [
        '# Tools',
        '',
        '## functions',
        '',
        'namespace functions {',
        '',
        '// Get the current weather in a given location',
        'type get_current_weather = (_: {',
        '// The city and state, e.g. San Francisco, CA',
        'location: string,',
        '// The unit of temperature to return',
        'unit?: "celsius" | "fahrenheit",',
        '}) => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });

  it('groups namespaced functions under their namespace and writes custom tools with their grammar', () => {
    const text = renderToolDefinitions([
      { type: 'function', name: 'get_goal', parameters: { type: 'object', properties: {} } },
      { type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1', namespaceDescription: 'Sub-agents.', parameters: { type: 'object', properties: { task: { type: 'string' } }, required: ['task'] } },
      { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
    ]);
    expect(text).toContain('type get_goal = () => any;');
    expect(text).toContain('## multi_agent_v1\n\n// Sub-agents.\nnamespace multi_agent_v1 {\n\ntype spawn_agent = (_: {\ntask: string,\n}) => any;');
    expect(text).toContain('// Edit files.\ntype apply_patch = (_: string) => any;\n// lark grammar:\nstart: "x"');
  });
});

describe('renderType', () => {
  it.each([
    [{ type: 'integer' }, 'number'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ type: 'array', items: { type: 'string' } }, 'string[]'],
    [{ type: 'array', items: { enum: ['a', 'b'] } }, 'Array<"a" | "b">'],
    [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, 'string | number'],
    [{ const: 'x' }, '"x"'],
    [{ type: 'string', nullable: true }, 'string | null'],
    [{ type: 'object' }, 'object'],
    [{}, 'any'],
    [true, 'any'],
  ])('%j → %s', (schema, expected) => {
    expect(renderType(schema, '')).toBe(expected);
  });

  it('indents nested objects and notes defaults', () => {
    const nested = renderType(
      { type: 'object', properties: { opts: { type: 'object', properties: { deep: { type: 'boolean', default: true } } } }, required: ['opts'] },
      '',
    );
    expect(nested).toBe('{\nopts: {\n  deep?: boolean, // default: true\n},\n}');
  });
});
