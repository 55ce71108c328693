// IAM policy evaluation for identity-based policies, as AWS documents it ("Policy
// evaluation logic"): an explicit Deny wins; otherwise an Allow whose Action, Resource and
// Condition all match allows; otherwise the request is implicitly denied. Action names
// match case-insensitively, resources case-sensitively, both with `*` and `?` wildcards.
// Conditions: the string, ARN, Bool and Null operators, with `IfExists`, and the
// ForAnyValue/ForAllValues set qualifiers. An operator outside that list is refused when the
// policy is read, not silently passed.

import { PolicyError } from '../errors.js';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `ecs:CreateTaskSet`. */
  action: string;
  resource: string;
  /** Condition keys and their values for this request, e.g. `iam:PassedToService`. */
  context?: Readonly<Record<string, string | string[]>>;
}

export type Decision =
  | { effect: 'Allow'; statement: Statement }
  | { effect: 'Deny'; statement: Statement }
  | { effect: 'ImplicitDeny' };

const OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
]);

/** Checks a policy's statements for what this evaluator cannot judge; throws PolicyError naming it. */
export function checkStatements(statements: readonly Statement[], where: string): void {
  statements.forEach((statement, i) => {
    const at = `${where}[${i}]`;
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      throw new PolicyError(`${at}: Effect must be Allow or Deny`);
    if ((statement.Action === undefined) === (statement.NotAction === undefined))
      throw new PolicyError(`${at}: needs exactly one of Action and NotAction`);
    if ((statement.Resource === undefined) === (statement.NotResource === undefined))
      throw new PolicyError(`${at}: needs exactly one of Resource and NotResource`);
    for (const operator of Object.keys(statement.Condition ?? {})) {
      if (!OPERATORS.has(baseOperator(operator)))
        throw new PolicyError(
          `${at}: the condition operator ${operator} is not one the local cloud evaluates`,
        );
    }
  });
}

export function evaluate(statements: readonly Statement[], request: AuthorizationRequest): Decision {
  let allow: Statement | undefined;
  for (const statement of statements) {
    if (!applies(statement, request)) continue;
    if (statement.Effect === 'Deny') return { effect: 'Deny', statement };
    allow ??= statement;
  }
  return allow === undefined ? { effect: 'ImplicitDeny' } : { effect: 'Allow', statement: allow };
}

function applies(statement: Statement, request: AuthorizationRequest): boolean {
  const actionMatches =
    statement.Action !== undefined
      ? list(statement.Action).some((p) => wildcard(p, request.action, true))
      : !list(statement.NotAction!).some((p) => wildcard(p, request.action, true));
  if (!actionMatches) return false;
  const resourceMatches =
    statement.Resource !== undefined
      ? list(statement.Resource).some((p) => wildcard(p, request.resource, false))
      : !list(statement.NotResource!).some((p) => wildcard(p, request.resource, false));
  if (!resourceMatches) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      condition(operator, request.context?.[key], list(expected).map(String)),
    ),
  );
}

function condition(operator: string, actual: string | string[] | undefined, expected: string[]): boolean {
  const ifExists = operator.endsWith('IfExists');
  const [qualifier, rest] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  const base = baseOperator(rest);
  if (base === 'Null') {
    const wantsMissing = expected.includes('true');
    return wantsMissing === (actual === undefined);
  }
  if (actual === undefined) {
    // A missing key satisfies IfExists, ForAllValues (vacuously) and the negated operators.
    if (ifExists || qualifier === 'ForAllValues') return true;
    return base.includes('Not');
  }
  const values = list(actual);
  const matchOne = (value: string) => expected.some((e) => match(base, e, value));
  const negated = base.includes('Not');
  if (qualifier === 'ForAllValues') return values.every((v) => (negated ? !matchOne(v) : matchOne(v)));
  if (qualifier === 'ForAnyValue') return values.some((v) => (negated ? !matchOne(v) : matchOne(v)));
  // A single-valued key: negated operators hold when no expected value matches.
  return negated ? !values.some(matchOne) : values.some(matchOne);
}

function match(base: string, expected: string, value: string): boolean {
  switch (base.replace('Not', '')) {
    case 'StringEquals':
    case 'ArnEquals':
      return base.startsWith('Arn') ? wildcard(expected, value, false) : expected === value;
    case 'StringEqualsIgnoreCase':
      return expected.toLowerCase() === value.toLowerCase();
    case 'StringLike':
    case 'ArnLike':
      return wildcard(expected, value, false);
    case 'Bool':
      return expected.toLowerCase() === value.toLowerCase();
    default:
      throw new PolicyError(`the condition operator ${base} is not one the local cloud evaluates`);
  }
}

function baseOperator(operator: string): string {
  const withoutQualifier = operator.includes(':') ? operator.split(':')[1]! : operator;
  return withoutQualifier.replace(/IfExists$/, '');
}

/** IAM's wildcards: `*` any run of characters (including none, and `/` and `:`), `?` one character. */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = compiledPatterns.get(key);
  if (compiled === undefined) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    compiledPatterns.set(key, compiled);
  }
  return compiled.test(value);
}

/** Policies are few and fixed, so their patterns are compiled once. */
const compiledPatterns = new Map<string, RegExp>();

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
