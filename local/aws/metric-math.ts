// A small evaluator of CloudWatch metric math over period-aligned series (no I/O).
//
// Semantics from "Using math expressions with CloudWatch metrics",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html:
// - "All functions must be written in uppercase letters … the Id field for all metrics and math
//   expressions must start with a lowercase letter."
// - Arithmetic (+ - * / ^, unary -) on S, TS and TS[]: "Missing values in a time series are treated
//   as 0. If the value of a data point causes a function to attempt to divide by zero, the data
//   point is dropped." A series only has the timestamps where it has data, so TS op TS has the
//   union of both operands' timestamps, the other side counting as 0; TS op S keeps TS's.
// - Comparison (== != <= >= < >) and logical (AND && OR ||) operators give 1 or 0; "When comparison
//   operators are used between two time series, and only one of the time series has a value for a
//   particular time stamp, the function treats the missing value in the other time series as 0."
// - SUM, AVG, MIN, MAX of one series give a scalar; of an array, a series ("Missing values are
//   treated as 0" for AVG — SUM and AVG count a missing value as 0 where another series has one;
//   MIN and MAX here consider only the series that have a value).
// - IF(condition, trueValue[, falseValue]) as in the guide's tables: a missing condition point is
//   dropped; a true point whose trueValue series lacks that point is 0; a false point without a
//   falseValue (or with none at that point) is dropped.
// - FILL(TS | TS[], S | TS | REPEAT | LINEAR), ABS, CEIL, FLOOR, LOG, LOG10, METRICS([filter]),
//   TIME_SERIES(S), PERIOD(TS), DATAPOINT_COUNT(TS), METRIC_COUNT(TS[]).
// - "The final result of any math expression must be a single time series or an array of time
//   series" (checked by the callers, see finalSeries).
// Anything else, such as an unknown function, is a MetricMathError (AWS's ValidationError).

import type { BinaryOp, MathNode } from './metric-math-parser.js';
import { MetricMathError } from '../errors.js';

export { parseMetricMath, referencedIds, usesMetricsFunction } from './metric-math-parser.js';
export type { MathNode } from './metric-math-parser.js';

export type Values = ReadonlyArray<number | undefined>;

export interface LabeledSeries {
  values: Values;
  label: string;
}

export type MathValue =
  | { type: 'scalar'; value: number | undefined }
  | { type: 'series'; values: Values }
  | { type: 'array'; items: LabeledSeries[] }
  | { type: 'string'; value: string }
  | { type: 'keyword'; value: 'REPEAT' | 'LINEAR' };

export interface MathContext {
  /** Number of periods in the grid every series is aligned to. */
  length: number;
  periodSeconds: number;
  /** The value of another query's id, or undefined if the request has no such id. */
  resolve(id: string): MathValue | undefined;
  /** The request's metrics (not expressions) whose ids contain `filter`. */
  metrics(filter: string): LabeledSeries[];
}

// --------------------------------------------------------------------------------------- evaluate

const clean = (x: number | undefined): number | undefined =>
  x === undefined || !Number.isFinite(x) ? undefined : x;

export function evaluateMetricMath(node: MathNode, context: MathContext): MathValue {
  const evaluate = (n: MathNode): MathValue => evaluateNode(n, context, evaluate);
  return evaluate(node);
}

/** The single series an expression must produce where one is needed (alarms, GetMetricData). */
export function finalSeries(value: MathValue, id: string): LabeledSeries[] {
  switch (value.type) {
    case 'series':
      return [{ values: value.values, label: '' }];
    case 'array':
      return value.items;
    case 'scalar':
      throw new MetricMathError(
        `Error in expression ${id}: the result is a single number, not a time series; ` +
          'use TIME_SERIES(...) or combine it with a metric',
      );
    case 'string':
    case 'keyword':
      throw new MetricMathError(`Error in expression ${id}: the result is not a time series`);
  }
}

function evaluateNode(node: MathNode, ctx: MathContext, evaluate: (n: MathNode) => MathValue): MathValue {
  switch (node.kind) {
    case 'number':
      return { type: 'scalar', value: node.value };
    case 'string':
      return { type: 'string', value: node.value };
    case 'keyword':
      return { type: 'keyword', value: node.value };
    case 'id': {
      const value = ctx.resolve(node.id);
      if (value === undefined)
        throw new MetricMathError(`Unknown id ${node.id}: no metric or expression has that Id`);
      return value;
    }
    case 'list': {
      const items: LabeledSeries[] = [];
      for (const item of node.items) {
        const value = evaluate(item);
        if (value.type === 'series')
          items.push({ values: value.values, label: item.kind === 'id' ? item.id : '' });
        else if (value.type === 'array') items.push(...value.items);
        else if (value.type === 'scalar')
          items.push({ values: constant(value.value, ctx.length), label: '' });
        else throw new MetricMathError('A list [ ... ] can only hold time series and numbers');
      }
      return { type: 'array', items };
    }
    case 'unary':
      return map(evaluate(node.operand), (x) =>
        x === undefined ? undefined : node.op === '-' ? -x : x === 0 ? 1 : 0,
      );
    case 'binary':
      return binary(node.op, evaluate(node.left), evaluate(node.right));
    case 'call':
      return call(node.name, node.args, ctx, evaluate);
  }
}

function constant(value: number | undefined, length: number): Values {
  return Array.from({ length }, () => value);
}

function map(value: MathValue, f: (x: number | undefined) => number | undefined): MathValue {
  switch (value.type) {
    case 'scalar':
      return { type: 'scalar', value: clean(f(value.value)) };
    case 'series':
      return { type: 'series', values: value.values.map((x) => (x === undefined ? undefined : clean(f(x)))) };
    case 'array':
      return {
        type: 'array',
        items: value.items.map((item) => ({
          label: item.label,
          values: item.values.map((x) => (x === undefined ? undefined : clean(f(x)))),
        })),
      };
    case 'string':
    case 'keyword':
      throw new MetricMathError(`A ${value.type} cannot be used in arithmetic`);
  }
}

const OPERATIONS: Record<BinaryOp, (a: number, b: number) => number | undefined> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => (b === 0 ? undefined : a / b),
  '^': (a, b) => a ** b,
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
  '<=': (a, b) => Number(a <= b),
  '>=': (a, b) => Number(a >= b),
  '<': (a, b) => Number(a < b),
  '>': (a, b) => Number(a > b),
  AND: (a, b) => Number(a !== 0 && b !== 0),
  OR: (a, b) => Number(a !== 0 || b !== 0),
};

function binary(op: BinaryOp, left: MathValue, right: MathValue): MathValue {
  const f = OPERATIONS[op];
  const apply = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : clean(f(a, b));
  if (left.type === 'array' || right.type === 'array') {
    if (left.type === 'array' && right.type === 'array') {
      throw new MetricMathError(`The operator ${op} cannot combine two arrays of time series`);
    }
    const array = left.type === 'array' ? left : (right as Extract<MathValue, { type: 'array' }>);
    return {
      type: 'array',
      items: array.items.map((item) => {
        const series: MathValue = { type: 'series', values: item.values };
        const result = left.type === 'array' ? binary(op, series, right) : binary(op, left, series);
        return { label: item.label, values: (result as Extract<MathValue, { type: 'series' }>).values };
      }),
    };
  }
  if (left.type === 'scalar' && right.type === 'scalar') {
    return { type: 'scalar', value: apply(left.value, right.value) };
  }
  if (left.type === 'series' && right.type === 'series') {
    // Union of timestamps; the side without a point counts as 0.
    return {
      type: 'series',
      values: left.values.map((a, i) => {
        const b = right.values[i];
        return a === undefined && b === undefined ? undefined : apply(a ?? 0, b ?? 0);
      }),
    };
  }
  if (left.type === 'series' && right.type === 'scalar') {
    return {
      type: 'series',
      values: left.values.map((a) => (a === undefined ? undefined : apply(a, right.value))),
    };
  }
  if (left.type === 'scalar' && right.type === 'series') {
    return {
      type: 'series',
      values: right.values.map((b) => (b === undefined ? undefined : apply(left.value, b))),
    };
  }
  throw new MetricMathError(`The operator ${op} needs numbers or time series`);
}

function call(
  name: string,
  args: MathNode[],
  ctx: MathContext,
  evaluate: (n: MathNode) => MathValue,
): MathValue {
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : `${min} to ${max}`;
      throw new MetricMathError(
        `${name} takes ${wanted} argument${max === 1 ? '' : 's'}, not ${args.length}`,
      );
    }
  };
  switch (name) {
    case 'SUM':
    case 'AVG':
    case 'MIN':
    case 'MAX': {
      arity(1);
      return reduce(name, evaluate(args[0]!));
    }
    case 'ABS':
      arity(1);
      return elementwise(name, evaluate(args[0]!), Math.abs);
    case 'CEIL':
      arity(1);
      return elementwise(name, evaluate(args[0]!), Math.ceil);
    case 'FLOOR':
      arity(1);
      return elementwise(name, evaluate(args[0]!), Math.floor);
    case 'LOG':
      arity(1);
      return elementwise(name, evaluate(args[0]!), Math.log);
    case 'LOG10':
      arity(1);
      return elementwise(name, evaluate(args[0]!), Math.log10);
    case 'METRICS': {
      arity(0, 1);
      const filter = args[0] === undefined ? { type: 'string' as const, value: '' } : evaluate(args[0]);
      if (filter.type !== 'string')
        throw new MetricMathError('METRICS takes an optional string, such as METRICS("errors")');
      return { type: 'array', items: ctx.metrics(filter.value) };
    }
    case 'TIME_SERIES': {
      arity(1);
      const value = evaluate(args[0]!);
      if (value.type !== 'scalar') throw new MetricMathError('TIME_SERIES takes a number');
      return { type: 'series', values: constant(value.value, ctx.length) };
    }
    case 'PERIOD': {
      arity(1);
      const value = evaluate(args[0]!);
      if (value.type !== 'series') throw new MetricMathError('PERIOD takes a metric');
      return { type: 'scalar', value: ctx.periodSeconds };
    }
    case 'DATAPOINT_COUNT': {
      arity(1);
      const value = evaluate(args[0]!);
      if (value.type === 'series')
        return { type: 'scalar', value: value.values.filter((x) => x !== undefined).length };
      if (value.type === 'array') {
        return {
          type: 'series',
          values: Array.from({ length: ctx.length }, (_, i) => {
            const n = value.items.filter((item) => item.values[i] !== undefined).length;
            return n === 0 ? undefined : n;
          }),
        };
      }
      throw new MetricMathError('DATAPOINT_COUNT takes a time series or an array of time series');
    }
    case 'METRIC_COUNT': {
      arity(1);
      const value = evaluate(args[0]!);
      if (value.type !== 'array') throw new MetricMathError('METRIC_COUNT takes an array of time series');
      return { type: 'scalar', value: value.items.length };
    }
    case 'FILL':
      arity(2);
      return fill(evaluate(args[0]!), evaluate(args[1]!));
    case 'IF':
      arity(2, 3);
      return ifThenElse(
        ctx.length,
        evaluate(args[0]!),
        evaluate(args[1]!),
        args[2] === undefined ? undefined : evaluate(args[2]),
      );
    default:
      throw new MetricMathError(`Unknown function ${name}`);
  }
}

function elementwise(name: string, value: MathValue, f: (x: number) => number): MathValue {
  if (value.type === 'string' || value.type === 'keyword')
    throw new MetricMathError(`${name} takes time series`);
  return map(value, (x) => (x === undefined ? undefined : f(x)));
}

function reduce(name: 'SUM' | 'AVG' | 'MIN' | 'MAX', value: MathValue): MathValue {
  const over = (xs: number[], countMissingAsZero: number): number | undefined => {
    if (xs.length === 0) return undefined;
    switch (name) {
      case 'SUM':
        return xs.reduce((a, b) => a + b, 0);
      case 'AVG':
        return xs.reduce((a, b) => a + b, 0) / (xs.length + countMissingAsZero);
      case 'MIN':
        return Math.min(...xs);
      case 'MAX':
        return Math.max(...xs);
    }
  };
  switch (value.type) {
    case 'series':
      return {
        type: 'scalar',
        value: over(
          value.values.filter((x) => x !== undefined),
          0,
        ),
      };
    case 'array': {
      const length = Math.max(0, ...value.items.map((item) => item.values.length));
      return {
        type: 'series',
        values: Array.from({ length }, (_, i) => {
          const present = value.items.map((item) => item.values[i]).filter((x) => x !== undefined);
          return over(present, value.items.length - present.length);
        }),
      };
    }
    case 'scalar':
      return value;
    case 'string':
    case 'keyword':
      throw new MetricMathError(`${name} takes a time series or an array of time series`);
  }
}

function fill(target: MathValue, filler: MathValue): MathValue {
  const fillOne = (values: Values): Values => {
    switch (filler.type) {
      case 'scalar':
        return values.map((x) => x ?? filler.value);
      case 'series':
        return values.map((x, i) => x ?? filler.values[i]);
      case 'keyword':
        return filler.value === 'REPEAT' ? repeat(values) : linear(values);
      case 'array':
      case 'string':
        throw new MetricMathError(
          'FILL takes a number, a time series, REPEAT or LINEAR as its second argument',
        );
    }
  };
  if (target.type === 'series') return { type: 'series', values: fillOne(target.values) };
  if (target.type === 'array') {
    return {
      type: 'array',
      items: target.items.map((item) => ({ label: item.label, values: fillOne(item.values) })),
    };
  }
  throw new MetricMathError('FILL takes a time series or an array of time series as its first argument');
}

/** Each missing value takes the latest earlier value (the first value, before any). */
function repeat(values: Values): Values {
  const first = values.find((x) => x !== undefined);
  let last = first;
  return values.map((x) => {
    if (x !== undefined) last = x;
    return x ?? last;
  });
}

/** Missing values are interpolated linearly; before the first and after the last value, repeated. */
function linear(values: Values): Values {
  const known = values.flatMap((x, i) => (x === undefined ? [] : [i]));
  if (known.length === 0) return values;
  return values.map((x, i) => {
    if (x !== undefined) return x;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!];
    if (after === undefined) return values[before];
    const a = values[before]!;
    const b = values[after]!;
    return a + ((b - a) * (i - before)) / (after - before);
  });
}

function ifThenElse(
  length: number,
  condition: MathValue,
  whenTrue: MathValue,
  whenFalse: MathValue | undefined,
): MathValue {
  const at = (value: MathValue | undefined, i: number, missingAsZero: boolean): number | undefined => {
    if (value === undefined) return undefined;
    if (value.type === 'scalar') return value.value;
    if (value.type === 'series') return value.values[i] ?? (missingAsZero ? 0 : undefined);
    throw new MetricMathError('IF takes numbers or single time series as its values');
  };
  if (condition.type === 'scalar') {
    const chosen = condition.value !== undefined && condition.value !== 0 ? whenTrue : whenFalse;
    if (chosen === undefined) return { type: 'series', values: constant(undefined, length) };
    if (chosen.type === 'series' || chosen.type === 'scalar') return chosen;
    throw new MetricMathError('IF takes numbers or single time series as its values');
  }
  if (condition.type !== 'series')
    throw new MetricMathError('The condition of IF must be a number or a time series');
  return {
    type: 'series',
    values: condition.values.map((c, i) => {
      if (c === undefined) return undefined;
      return c !== 0 ? at(whenTrue, i, true) : at(whenFalse, i, false);
    }),
  };
}
