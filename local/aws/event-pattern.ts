// Amazon EventBridge event patterns: which events a rule selects. Pure: plain data in,
// a boolean or a list of problems out. The semantics are AWS's, as documented in the
// EventBridge user guide (each rule below cites its page):
//   [patterns]   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
//   [filtering]  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
//   [operators]  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
//   [arrays]     https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
//   [null]       https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
// EventBridge matches with aws/event-ruler (https://github.com/aws/event-ruler); the
// validation messages below keep the meaning of the reasons its JsonRuleCompiler gives,
// which AWS returns in InvalidEventPatternException ("Event pattern is not valid. Reason: …").

import { isRecord } from '../../shared/domain/records.js';
import { inCidr, parseCidr, sameAddress } from './event-pattern-ip.js';

/** A parsed event pattern: field names mapped to arrays of values to match or to nested patterns. */
export type EventPattern = { [field: string]: unknown };

export interface PatternProblem {
  /** Where in the pattern, e.g. `detail.state`; empty for the pattern as a whole. */
  path: string;
  message: string;
}

/** [operators] The operator keywords; they may not be field names inside `$or`. */
const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

/** [filtering] "Numeric matching … is limited to values between -5.0e9 and +5.0e9 inclusive." */
const NUMERIC_LIMIT = 5e9;

// ---------------------------------------------------------------------------------------
// Validation

/** Every problem that makes `pattern` one AWS would refuse; an empty list means it is valid. */
/**
 * "Event pattern size: 2,048 characters" (Amazon EventBridge quotas; adjustable on request, but
 * a stack must deploy into an account with the default).
 */
export const MAX_PATTERN_CHARACTERS = 2048;

export function validatePattern(pattern: unknown): PatternProblem[] {
  const problems: PatternProblem[] = [];
  if (!isRecord(pattern)) {
    problems.push({ path: '', message: 'Filter is not an object' });
    return problems;
  }
  checkObject(pattern, '', false, problems);
  const size = JSON.stringify(pattern).length;
  if (size > MAX_PATTERN_CHARACTERS) {
    problems.push({
      path: '',
      message: `the pattern is ${size} characters, over EventBridge's event pattern size quota of ${MAX_PATTERN_CHARACTERS}`,
    });
  }
  return problems;
}

function checkObject(
  node: Record<string, unknown>,
  path: string,
  insideOr: boolean,
  problems: PatternProblem[],
) {
  const keys = Object.keys(node);
  if (keys.length === 0) problems.push({ path, message: 'Empty objects are not allowed' });
  for (const key of keys) {
    const value = node[key];
    if (key === '$or') {
      checkOr(value, path, problems);
      continue;
    }
    const at = join(path, key);
    // Inside $or an operator name would be ambiguous (is it a field or a match?), so AWS refuses it.
    if (insideOr && OPERATORS.has(key)) {
      problems.push({
        path: at,
        message: `${key} is an operator name and cannot be used as a field name inside $or`,
      });
    }
    if (Array.isArray(value)) checkValues(value, at, problems);
    else if (isRecord(value)) checkObject(value, at, insideOr, problems);
    else problems.push({ path: at, message: `"${key}" must be an object or an array` });
  }
}

/** [operators] `$or` takes an array of at least two patterns, any of which may match. */
function checkOr(value: unknown, path: string, problems: PatternProblem[]) {
  const at = join(path, '$or');
  if (!Array.isArray(value)) {
    problems.push({ path: at, message: '$or must be followed by an array' });
    return;
  }
  if (value.length < 2) problems.push({ path: at, message: '$or needs at least 2 objects' });
  value.forEach((branch, i) => {
    if (isRecord(branch)) checkObject(branch, `${at}[${i}]`, true, problems);
    else problems.push({ path: `${at}[${i}]`, message: 'Only JSON objects are allowed in the array of $or' });
  });
}

/** [patterns] "the value to match is in a JSON array"; each entry is a JSON value or one match expression. */
function checkValues(values: unknown[], path: string, problems: PatternProblem[]) {
  if (values.length === 0) problems.push({ path, message: 'Empty arrays are not allowed' });
  values.forEach((value, i) => {
    if (isRecord(value)) checkMatcher(value, `${path}[${i}]`, problems);
    else if (!isScalar(value)) {
      problems.push({
        path: `${path}[${i}]`,
        message: 'Match value must be String, number, true, false, or null',
      });
    }
  });
}

function checkMatcher(matcher: Record<string, unknown>, path: string, problems: PatternProblem[]) {
  const keys = Object.keys(matcher);
  const problem = (message: string) => problems.push({ path, message });
  if (keys.length === 0) return problem('Match expression name not found');
  if (keys.length > 1) return problem('Only one key allowed in match expression');
  const operator = keys[0] as string;
  const value = matcher[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      // [operators] "Begins with (ignore case)" / "Ends with (ignore case)": { "prefix": { "equals-ignore-case": … } }.
      if (isRecord(value)) return checkIgnoreCaseOnly(operator, value, problem);
      if (typeof value !== 'string') return problem(`${operator} match pattern must be a string`);
      return;
    case 'equals-ignore-case':
      if (typeof value !== 'string') problem('equals-ignore-case match pattern must be a string');
      return;
    case 'wildcard': {
      if (typeof value !== 'string') return problem('wildcard match pattern must be a string');
      const wrong = wildcardProblem(value);
      if (wrong !== undefined) problem(wrong);
      return;
    }
    case 'anything-but':
      return checkAnythingBut(value, problem);
    case 'numeric':
      return checkNumeric(value, problem);
    case 'exists':
      if (typeof value !== 'boolean') problem('exists match pattern must be either true or false.');
      return;
    case 'cidr': {
      if (typeof value !== 'string') return problem('cidr match pattern must be a string');
      const block = parseCidr(value);
      if (typeof block === 'string') problem(block);
      return;
    }
    default:
      return problem(`Unrecognized match type ${operator}`);
  }
}

function checkIgnoreCaseOnly(operator: string, value: Record<string, unknown>, problem: (m: string) => void) {
  const keys = Object.keys(value);
  if (keys.length === 0) return problem(`${operator} expression name not found`);
  if (keys.length > 1) return problem('Only one key allowed in match expression');
  if (keys[0] !== 'equals-ignore-case') return problem(`Unsupported ${operator} pattern: ${keys[0]}`);
  if (typeof value['equals-ignore-case'] !== 'string')
    problem('equals-ignore-case match pattern must be a string');
}

/**
 * [filtering] "You can use anything-but matching with strings and numeric values, including lists
 * that contain only strings, or only numbers", and [operators] with prefix, suffix,
 * equals-ignore-case and wildcard.
 */
function checkAnythingBut(value: unknown, problem: (m: string) => void) {
  if (typeof value === 'string') return;
  if (typeof value === 'number') return checkNumberRange(value, problem);
  if (Array.isArray(value)) {
    const strings = value.every((v) => typeof v === 'string');
    const numbers = value.every((v) => typeof v === 'number');
    if (value.length === 0 || (!strings && !numbers)) {
      return problem(
        'Inside anything-but list, either all values are numbers or all are strings; mixed types are not supported',
      );
    }
    if (numbers) for (const n of value) checkNumberRange(n, problem);
    return;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return problem('Anything-but expression name not found');
    if (keys.length > 1) return problem('Only one key allowed in match expression');
    const operator = keys[0] as string;
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(operator)) {
      return problem(`Unsupported anything-but pattern: ${operator}`);
    }
    const inner = value[operator];
    const texts = typeof inner === 'string' ? [inner] : Array.isArray(inner) ? inner : undefined;
    if (texts === undefined || !texts.every((t) => typeof t === 'string')) {
      return problem(`anything-but ${operator} match pattern must be a string or a list of strings`);
    }
    for (const text of texts) {
      if ((operator === 'prefix' || operator === 'suffix') && text === '') {
        problem('Null prefix/suffix not allowed');
      }
      const wrong = operator === 'wildcard' ? wildcardProblem(text) : undefined;
      if (wrong !== undefined) problem(wrong);
    }
    return;
  }
  problem('Value of anything-but must be an array or single string/number value.');
}

/**
 * [filtering] `{ "numeric": [ ">", 0, "<=", 5 ] }`: `=`, or a lower bound (`>`, `>=`) with an
 * optional upper bound (`<`, `<=`), or an upper bound alone.
 */
function checkNumeric(value: unknown, problem: (m: string) => void) {
  if (!Array.isArray(value)) return problem('Value of numeric must be an array.');
  const [first, firstValue, second, secondValue] = value as unknown[];
  if (typeof first !== 'string') return problem(`Invalid member in numeric match: ${JSON.stringify(first)}`);
  if (!['=', '>', '>=', '<', '<='].includes(first))
    return problem(`Unrecognized numeric range operator: ${first}`);
  if (typeof firstValue !== 'number') return problem(`Value of ${first} must be numeric`);
  checkNumberRange(firstValue, problem);
  if (value.length === 2) return;
  if (first === '=' || first === '<' || first === '<=')
    return problem('Too many elements in numeric expression');
  if (typeof second !== 'string') return problem(`Bad value in numeric range: ${JSON.stringify(second)}`);
  if (second !== '<' && second !== '<=') return problem(`Bad numeric range operator: ${second}`);
  if (typeof secondValue !== 'number') return problem(`Value of ${second} must be numeric`);
  checkNumberRange(secondValue, problem);
  if (value.length > 4) return problem('Too many terms in numeric range expression');
  if (firstValue >= secondValue) problem('Bottom must be less than top');
}

function checkNumberRange(value: number, problem: (m: string) => void) {
  if (!(Math.abs(value) <= NUMERIC_LIMIT)) problem('Value must be between -5.0E9 and 5.0E9, inclusive');
}

/**
 * [operators] wildcard: `*` matches any run of characters; `\*` is a literal asterisk and `\\` a
 * literal backslash. Two `*` in a row, or a backslash before anything else, are refused.
 */
function wildcardProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '*' && text[i + 1] === '*') return `Consecutive wildcard characters at pos ${i}`;
    if (text[i] === '\\') {
      if (text[i + 1] !== '*' && text[i + 1] !== '\\') return `Invalid escape character at pos ${i}`;
      i++;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Matching

/**
 * Whether `event` matches `pattern`. The pattern is assumed valid (see validatePattern); parts
 * that are not simply match nothing.
 */
export function matches(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

/**
 * [arrays] "If the value in the event is an array, then the event pattern matches if the
 * intersection of the event pattern array and the event array is non-empty." For an array of
 * objects, a nested pattern matches when one element matches all of its fields.
 */
function matchObject(pattern: Record<string, unknown>, node: unknown): boolean {
  if (Array.isArray(node)) {
    const objects = flatten(node).filter(isRecord);
    return objects.length === 0
      ? matchFields(pattern, undefined)
      : objects.some((o) => matchFields(pattern, o));
  }
  return matchFields(pattern, node);
}

/** [patterns] Every field named in the pattern must match (AND); the event's other fields are ignored. */
function matchFields(pattern: Record<string, unknown>, node: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(expected)) {
      // [operators] "Or": any one of the listed patterns, each applied at this level.
      if (!expected.some((branch) => isRecord(branch) && matchObject(branch, node))) return false;
      continue;
    }
    // Own properties only: an event's `constructor` is not Object's.
    const child = isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
    if (Array.isArray(expected)) {
      if (!expected.some((value) => matchLeaf(value, leafValues(child)))) return false;
    } else if (isRecord(expected)) {
      if (!matchObject(expected, child)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * The values a leaf field holds: none when it is missing or is an object ([filtering] "Exists
 * matching only works on leaf nodes"), every scalar element when it is an array ([arrays]).
 */
function leafValues(value: unknown): unknown[] {
  if (value === undefined || isRecord(value)) return [];
  if (Array.isArray(value)) return flatten(value).filter((v) => !isRecord(v));
  return [value];
}

function matchLeaf(expected: unknown, values: unknown[]): boolean {
  // [filtering] Exists matching "works on the presence or absence of a field".
  if (isRecord(expected) && Object.hasOwn(expected, 'exists')) {
    return expected.exists === true ? values.length > 0 : expected.exists === false && values.length === 0;
  }
  // Every other match needs the field to be there: a missing field is not "anything but" x.
  return values.some((value) => matchValue(expected, value));
}

function matchValue(expected: unknown, value: unknown): boolean {
  // [null] "Null values and empty strings are not interchangeable"; [patterns] matching is exact,
  // character by character, and typed: the string "5" is not the number 5.
  if (expected === null || typeof expected === 'boolean') return value === expected;
  if (typeof expected === 'number') return typeof value === 'number' && value === expected;
  if (typeof expected === 'string') {
    // An IP address matches the same address however it is written (e.g. `::1` and `0:0:0:0:0:0:0:1`).
    return typeof value === 'string' && (value === expected || sameAddress(expected, value));
  }
  if (!isRecord(expected)) return false;
  const [operator] = Object.keys(expected);
  const operand = operator === undefined ? undefined : expected[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof value === 'string' && textMatches(operator, operand, value);
    case 'anything-but':
      return !anythingButExcludes(operand, value);
    case 'numeric':
      return typeof value === 'number' && inRange(operand, value);
    case 'cidr':
      return typeof value === 'string' && typeof operand === 'string' && inCidr(operand, value);
    default:
      return false;
  }
}

/** [operators] prefix, suffix, equals-ignore-case and wildcard apply to strings only. */
function textMatches(operator: string, operand: unknown, value: string): boolean {
  const ignoreCase = isRecord(operand) && typeof operand['equals-ignore-case'] === 'string';
  const text = ignoreCase ? (operand['equals-ignore-case'] as string) : operand;
  if (typeof text !== 'string') return false;
  const [v, t] = ignoreCase ? [value.toLowerCase(), text.toLowerCase()] : [value, text];
  switch (operator) {
    case 'prefix':
      return v.startsWith(t);
    case 'suffix':
      return v.endsWith(t);
    case 'equals-ignore-case':
      return value.toLowerCase() === text.toLowerCase();
    case 'wildcard':
      return wildcardRegExp(text).test(value);
    default:
      return false;
  }
}

/**
 * Whether the value is one `anything-but` excludes. [filtering] "Anything-but matching matches
 * anything except what's provided in the rule": a value of another type (a number against a
 * string list, say) is not excluded.
 */
function anythingButExcludes(operand: unknown, value: unknown): boolean {
  if (typeof operand === 'string') return typeof value === 'string' && value === operand;
  if (typeof operand === 'number') return typeof value === 'number' && value === operand;
  if (Array.isArray(operand)) return operand.some((o) => anythingButExcludes(o, value));
  if (!isRecord(operand) || typeof value !== 'string') return false;
  const [operator] = Object.keys(operand);
  if (operator === undefined) return false;
  const inner = operand[operator];
  const texts = Array.isArray(inner) ? inner : [inner];
  return texts.some((text) => textMatches(operator, text, value));
}

/** [filtering] Numeric matching "works with values that are JSON numbers" within ±5.0e9. */
function inRange(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || Math.abs(value) > NUMERIC_LIMIT) return false;
  const terms = operand as unknown[];
  for (let i = 0; i + 1 < terms.length; i += 2) {
    const [operator, bound] = [terms[i], terms[i + 1]];
    if (typeof bound !== 'number') return false;
    const holds =
      operator === '='
        ? value === bound
        : operator === '>'
          ? value > bound
          : operator === '>='
            ? value >= bound
            : operator === '<'
              ? value < bound
              : operator === '<='
                ? value <= bound
                : false;
    if (!holds) return false;
  }
  return terms.length >= 2;
}

function wildcardRegExp(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '*') source += '.*';
    else if (c === '\\' && (text[i + 1] === '*' || text[i + 1] === '\\'))
      source += escapeRegExp(text[++i] as string);
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function flatten(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
