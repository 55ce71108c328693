// Renaming the ids in a CloudWatch metric math expression, so that several catalog metrics can
// share one GetMetricData call: each metric's inputs get a prefix, and its expression must say
// the new names. Only whole identifiers that name an input change; function names (FILL,
// METRICS), keywords (REPEAT, LINEAR), numbers (1e3) and "strings" are left as they are.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html

const STRING = /^(?:"[^"]*"|'[^']*'|“[^”]*”)/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** `METRICS()` or `METRICS("filter")`, from the name on. */
const METRICS_CALL = /^METRICS\s*\(\s*(?:(?:"([^"]*)"|'([^']*)'|“([^”]*)”)\s*)?\)/;

/**
 * `expression` with every input id replaced by `rename(id)`.
 *
 * `METRICS()` returns every metric in the request, and `METRICS("x")` those whose id contains
 * `x`: in a shared call that would take in other metrics' inputs, so it becomes the list of this
 * expression's own inputs that match, by their ids as the catalog wrote them.
 *
 * A lowercase name that is not an input (ids start lowercase, functions and keywords do not)
 * is refused: with prefixed ids it could only refer to another metric's input, or to nothing.
 */
export function renameIds(
  expression: string,
  inputIds: readonly string[],
  rename: (id: string) => string,
): string {
  const ids = new Set(inputIds);
  let out = '';
  let at = 0;
  while (at < expression.length) {
    const rest = expression.slice(at);
    const literal = STRING.exec(rest) ?? NUMBER.exec(rest);
    if (literal !== null) {
      out += literal[0];
      at += literal[0].length;
      continue;
    }
    if (/^["'“]/.test(rest)) throw invalid(expression, `the string at position ${at + 1} is not closed`);
    const name = NAME.exec(rest)?.[0];
    if (name === undefined) {
      out += rest[0];
      at += 1;
      continue;
    }
    const isCall = rest.slice(name.length).trimStart().startsWith('(');
    if (name === 'METRICS' && isCall) {
      const call = METRICS_CALL.exec(rest);
      if (call === null) throw invalid(expression, 'METRICS takes nothing or one string, e.g. METRICS("m")');
      const filter = call[1] ?? call[2] ?? call[3] ?? '';
      const matching = inputIds.filter((id) => id.includes(filter));
      if (matching.length === 0) throw invalid(expression, `METRICS("${filter}") matches none of its inputs`);
      out += `[${matching.map(rename).join(', ')}]`;
      at += call[0].length;
      continue;
    }
    if (!isCall && ids.has(name)) {
      out += rename(name);
    } else if (!isCall && /^[a-z]/.test(name)) {
      throw invalid(expression, `${name} is not one of its inputs (${inputIds.join(', ')})`);
    } else {
      out += name;
    }
    at += name.length;
  }
  return out;
}

function invalid(expression: string, problem: string): RangeError {
  return new RangeError(
    `the metric math expression ${JSON.stringify(expression)} cannot be used: ${problem}; ` +
      'check the analysis metrics in the catalog.',
  );
}
