// Parsing CloudWatch metric math expressions (no I/O); evaluation is in metric-math.ts.
// Grammar, loosest binding first: OR (also ||), AND (also &&), comparisons (== != <= >= < >),
// + -, * /, unary - and NOT, ^, then numbers, "strings", ids (lowercase first letter),
// REPEAT / LINEAR, FUNCTION(args) (uppercase), [lists] and (parentheses).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html

import { MetricMathError } from '../errors.js';

export type MathNode =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'id'; id: string }
  | { kind: 'keyword'; value: 'REPEAT' | 'LINEAR' }
  | { kind: 'list'; items: MathNode[] }
  | { kind: 'unary'; op: '-' | 'NOT'; operand: MathNode }
  | { kind: 'binary'; op: BinaryOp; left: MathNode; right: MathNode }
  | { kind: 'call'; name: string; args: MathNode[] };

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<=' | '>=' | '<' | '>' | 'AND' | 'OR';

const SUPPORTED = new Set(
  'SUM AVG MIN MAX ABS CEIL FLOOR LOG LOG10 FILL IF METRICS TIME_SERIES PERIOD DATAPOINT_COUNT METRIC_COUNT'.split(
    ' ',
  ),
);

/** CloudWatch functions the local cloud does not implement (named so the error can say so). */
const UNSUPPORTED = new Set(
  (
    'ANOMALY_DETECTION_BAND DIFF DIFF_TIME FIRST LAST INSIGHT_RULE_METRIC MINUTE HOUR DAY DATE MONTH YEAR ' +
    'EPOCH RATE REMOVE_EMPTY RUNNING_SUM SEARCH SERVICE_QUOTA SLICE SORT STDDEV MTD CONCAT LABEL'
  ).split(' '),
);

type Token =
  | { type: 'number'; value: number; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'name'; value: string; at: number }
  | { type: 'op'; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number !== null) {
      tokens.push({ type: 'number', value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name !== null) {
      tokens.push({ type: 'name', value: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (c === '"' || c === '“' || c === "'") {
      const close = c === '“' ? '”' : c;
      const end = text.indexOf(close, i + 1);
      if (end < 0) throw new MetricMathError(`Unterminated string at position ${i + 1}`);
      tokens.push({ type: 'string', value: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const op = ['==', '!=', '<=', '>=', '&&', '||'].find((o) => text.startsWith(o, i)) ?? c;
    if (!'+-*/^<>()[],'.includes(op) && op.length === 1) {
      throw new MetricMathError(`Unexpected character '${c}' at position ${i + 1}`);
    }
    tokens.push({ type: 'op', value: op, at: i });
    i += op.length;
  }
  return tokens;
}

/** Parses a metric math expression, or throws MetricMathError saying what is wrong and where. */
export function parseMetricMath(expression: string): MathNode {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => {
    const t = peek();
    return t !== undefined && (t.type === 'op' || t.type === 'name') && t.value === value;
  };
  const expect = (value: string) => {
    if (!isOp(value)) {
      const t = peek();
      throw new MetricMathError(
        t === undefined
          ? `Expected '${value}' at the end of the expression`
          : `Expected '${value}' at position ${t.at + 1}`,
      );
    }
    pos += 1;
  };

  const binaryLevel =
    (ops: string[], next: () => MathNode, normalize = (op: string) => op) =>
    () => {
      let left = next();
      for (;;) {
        const op = ops.find(isOp);
        if (op === undefined) return left;
        pos += 1;
        left = { kind: 'binary', op: normalize(op) as BinaryOp, left, right: next() };
      }
    };

  /** Expressions separated by commas, up to and including `close`. */
  const commaList = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (isOp(close)) {
      pos += 1;
      return items;
    }
    for (;;) {
      items.push(or());
      if (!isOp(',')) break;
      pos += 1;
    }
    expect(close);
    return items;
  };

  const primary = (): MathNode => {
    const t = peek();
    if (t === undefined) throw new MetricMathError('The expression ends too early');
    pos += 1;
    if (t.type === 'number') return { kind: 'number', value: t.value };
    if (t.type === 'string') return { kind: 'string', value: t.value };
    if (t.type === 'op' && t.value === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.type === 'op' && t.value === '[') return { kind: 'list', items: commaList(']') };
    if (t.type === 'name') {
      if (isOp('(')) {
        pos += 1;
        const args = commaList(')');
        if (!SUPPORTED.has(t.value)) {
          throw new MetricMathError(
            UNSUPPORTED.has(t.value)
              ? `The function ${t.value} is not supported by the local cloud`
              : `Unknown function ${t.value}: metric math functions are uppercase, such as SUM, AVG, FILL, IF`,
          );
        }
        return { kind: 'call', name: t.value, args };
      }
      if (t.value === 'REPEAT' || t.value === 'LINEAR') return { kind: 'keyword', value: t.value };
      if (/^[a-z]/.test(t.value)) return { kind: 'id', id: t.value };
      throw new MetricMathError(
        `Unknown name ${t.value}: metric and expression ids start with a lowercase letter`,
      );
    }
    throw new MetricMathError(`Unexpected '${t.value}' at position ${t.at + 1}`);
  };

  const power = (): MathNode => {
    const base = primary();
    if (!isOp('^')) return base;
    pos += 1;
    return { kind: 'binary', op: '^', left: base, right: unary() };
  };
  const unary = (): MathNode => {
    if (isOp('-')) {
      pos += 1;
      return { kind: 'unary', op: '-', operand: unary() };
    }
    if (isOp('+')) {
      pos += 1;
      return unary();
    }
    if (isOp('NOT')) {
      pos += 1;
      return { kind: 'unary', op: 'NOT', operand: unary() };
    }
    return power();
  };
  const multiplicative = binaryLevel(['*', '/'], unary);
  const additive = binaryLevel(['+', '-'], multiplicative);
  const comparison = binaryLevel(['==', '!=', '<=', '>=', '<', '>'], additive);
  const and = binaryLevel(['AND', '&&'], comparison, () => 'AND');
  const or: () => MathNode = binaryLevel(['OR', '||'], and, () => 'OR');

  if (tokens.length === 0) throw new MetricMathError('The expression is empty');
  const node = or();
  const rest = peek();
  if (rest !== undefined)
    throw new MetricMathError(`Unexpected '${String(rest.value)}' at position ${rest.at + 1}`);
  return node;
}

/** The query ids an expression refers to, in order of first use. */
export function referencedIds(node: MathNode): string[] {
  const ids: string[] = [];
  const visit = (n: MathNode): void => {
    switch (n.kind) {
      case 'id':
        if (!ids.includes(n.id)) ids.push(n.id);
        return;
      case 'list':
        return n.items.forEach(visit);
      case 'unary':
        return visit(n.operand);
      case 'binary':
        visit(n.left);
        return visit(n.right);
      case 'call':
        return n.args.forEach(visit);
      case 'number':
      case 'string':
      case 'keyword':
        return;
    }
  };
  visit(node);
  return ids;
}

/** Whether the expression calls METRICS(), which depends on every metric of the request. */
export function usesMetricsFunction(node: MathNode): boolean {
  switch (node.kind) {
    case 'call':
      return node.name === 'METRICS' || node.args.some(usesMetricsFunction);
    case 'list':
      return node.items.some(usesMetricsFunction);
    case 'unary':
      return usesMetricsFunction(node.operand);
    case 'binary':
      return usesMetricsFunction(node.left) || usesMetricsFunction(node.right);
    default:
      return false;
  }
}
