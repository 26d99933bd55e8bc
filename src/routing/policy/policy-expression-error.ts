// A routing rule's `if:` that cannot be compiled: a syntax error, an unknown name, a
// wrong argument count or a type error. Raised at config load, never at request time.
export class PolicyExpressionError extends Error {
  constructor(
    // 0-based character offset into the expression's source.
    readonly position: number,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyExpressionError';
  }
}

// Two lines for a log or a ConfigError reason: the source, then a caret under the
// error's position and the message.
//   input_tokenz < 5
//   ^ unknown variable 'input_tokenz'; known: input_tokens, …
export function formatPolicyExpressionError(source: string, error: PolicyExpressionError): string {
  return `${source}\n${' '.repeat(Math.min(error.position, source.length))}^ ${error.message}`;
}
