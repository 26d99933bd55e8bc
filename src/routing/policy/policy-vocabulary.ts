// The names a routing rule may use (issue 4), with their static types, so that a rule
// naming an unknown variable or comparing a number with a string fails at config load.

// What a rule sees of one request. Built once per request (build-policy-context.ts).
export interface PolicyContext {
  // Estimated input tokens of the whole request (src/tokens).
  input_tokens: number;
  // The alias the client asked for; '' when absent.
  model: string;
  // `turn`, `compaction`, `review`, `prewarm`, … (build-policy-context.ts says from where).
  request_kind: string;
  // Identity from the gateway key or configured attributes; '' when unknown.
  developer: string;
  team: string;
  repo: string;
  tools_count: number;
  has_images: boolean;
  reasoning_effort: string | null;
  stream: boolean;
  // Tool names `tools_include` matches: bare names, `namespace.name`, `namespace__name`,
  // namespaces and removed hosted tools (policyToolNames builds it).
  tools: ReadonlySet<string>;
  // Request headers with lower-case names, as Node gives them.
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

// `string?` is a string that may be null (reasoning_effort when the client sent none).
export type PolicyType = 'number' | 'string' | 'string?' | 'boolean' | 'null';

type VariableName = Exclude<keyof PolicyContext, 'tools' | 'headers'>;

// One monomorphic accessor per variable: faster than `ctx[name]` in the evaluate loop.
export const POLICY_VARIABLES: Record<VariableName, { type: PolicyType; read: (ctx: PolicyContext) => unknown }> = {
  input_tokens: { type: 'number', read: (c) => c.input_tokens },
  model: { type: 'string', read: (c) => c.model },
  request_kind: { type: 'string', read: (c) => c.request_kind },
  developer: { type: 'string', read: (c) => c.developer },
  team: { type: 'string', read: (c) => c.team },
  repo: { type: 'string', read: (c) => c.repo },
  tools_count: { type: 'number', read: (c) => c.tools_count },
  has_images: { type: 'boolean', read: (c) => c.has_images },
  reasoning_effort: { type: 'string?', read: (c) => c.reasoning_effort ?? null },
  stream: { type: 'boolean', read: (c) => c.stream },
};

export interface PolicyFunction {
  params: PolicyType[];
  returns: PolicyType;
  // `arg` evaluates the argument; `literal` is set when the argument is a constant, so
  // the function can do its per-argument work (lower-casing a header name) once.
  bind(arg: (ctx: PolicyContext) => unknown, literal?: { value: unknown }): (ctx: PolicyContext) => unknown;
}

export const POLICY_FUNCTIONS: Record<string, PolicyFunction> = {
  tools_include: {
    params: ['string'],
    returns: 'boolean',
    bind: (arg) => (c) => c.tools.has(arg(c) as string),
  },
  header: {
    params: ['string'],
    returns: 'string',
    bind: (arg, literal) => {
      if (!literal) return (c) => headerValue(c.headers, (arg(c) as string).toLowerCase());
      const name = (literal.value as string).toLowerCase();
      return (c) => headerValue(c.headers, name);
    },
  },
};

function headerValue(headers: PolicyContext['headers'], name: string): string {
  const v = headers[name];
  return v === undefined ? '' : Array.isArray(v) ? v.join(', ') : v;
}

// Own properties only: `constructor` or `toString` in a rule is an unknown name, not Object's.
export function isPolicyVariable(name: string): name is VariableName {
  return Object.hasOwn(POLICY_VARIABLES, name);
}

export function policyFunction(name: string): PolicyFunction | undefined {
  return Object.hasOwn(POLICY_FUNCTIONS, name) ? POLICY_FUNCTIONS[name] : undefined;
}
