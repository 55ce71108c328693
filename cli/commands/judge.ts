// `cutover judge --baseline FILE --canary FILE`: judge one metric of a canary against its
// baseline, exactly as the canary analysis does, to tune a metric's settings on recorded data.

import { readFileSync } from 'node:fs';
import { parseOptionsOnly } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK, InputFileInvalid, UsageError } from '../errors.js';
import { printJson, type Output } from '../output.js';
import {
  classifyMetric,
  defaultRules,
  KAYENTA_CONFIDENCE,
  type MetricResult,
  type MetricRules,
} from '../../shared/domain/judge-classification.js';

const help = `Usage: cutover judge --baseline FILE --canary FILE [options]

Judge one metric of a canary against its baseline, as Cutover's canary analysis does
(Kayenta's NetflixACAJudge): the Mann-Whitney U test, the Hodges-Lehmann shift of the
canary with its 98% interval, and the mean ratio canary/baseline give High, Low or Pass.
Use it on recorded values to choose a metric's direction and allowed ratios before
putting them in the catalog. See docs/analysis.md.

Each file holds a JSON array of numbers, e.g. [0.012, 0.010, 0.015].

Options:
  --baseline FILE         the baseline's values (JSON array of numbers)
  --canary FILE           the canary's values (JSON array of numbers)
  --direction D           increase | decrease | either: which change is bad (default: increase)
  --allowed-increase R    mean ratio canary/baseline tolerated upwards, ≥ 1 (default: 1.1)
  --allowed-decrease R    mean ratio tolerated downwards, above 0 and ≤ 1 (default: 0.9)
  --outliers O            keep | remove (IQR fences, as the catalog's setting) (default: keep)
  --json                  print the full result as JSON

Exit codes: 0 Pass, 1 High, Low or no data, 2 bad usage or input.

Examples:
  cutover judge --baseline baseline.json --canary canary.json
  cutover judge --baseline p99-old.json --canary p99-new.json --allowed-increase 1.25
  cutover judge --baseline rps-old.json --canary rps-new.json --direction either --json`;

const DIRECTIONS = ['increase', 'decrease', 'either'] as const;
const OUTLIERS = ['keep', 'remove'] as const;

export const judgeCommand: Command = {
  name: 'judge',
  help,
  run(args, output) {
    const values = parseOptionsOnly(args, {
      baseline: { type: 'string' },
      canary: { type: 'string' },
      direction: { type: 'string' },
      'allowed-increase': { type: 'string' },
      'allowed-decrease': { type: 'string' },
      outliers: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.baseline === undefined || values.canary === undefined) {
      throw new UsageError('judge needs both --baseline FILE and --canary FILE', help);
    }
    const rules = readRules(values);
    const baseline = readSeries(values.baseline, '--baseline');
    const canary = readSeries(values.canary, '--canary');
    const result = classifyMetric(baseline, canary, rules);
    if (output.json)
      printJson(output, { ...result, confidence: KAYENTA_CONFIDENCE, rules: describeRules(rules) });
    else printResult(output, result, rules);
    return Promise.resolve(result.classification === 'Pass' ? EXIT_OK : EXIT_FAILED);
  },
};

function readRules(values: {
  direction?: string;
  'allowed-increase'?: string;
  'allowed-decrease'?: string;
  outliers?: string;
}): MetricRules {
  const rules = defaultRules('metric');
  if (values.direction !== undefined) {
    rules.direction = oneOf(values.direction, DIRECTIONS, '--direction');
  }
  if (values.outliers !== undefined) {
    rules.outliers = oneOf(values.outliers, OUTLIERS, '--outliers');
  }
  if (values['allowed-increase'] !== undefined) {
    const r = ratio(values['allowed-increase'], '--allowed-increase');
    if (r < 1)
      throw new UsageError(
        `--allowed-increase must be at least 1 (a mean ratio canary/baseline), not ${r}`,
        help,
      );
    rules.allowedIncrease = r;
  }
  if (values['allowed-decrease'] !== undefined) {
    const r = ratio(values['allowed-decrease'], '--allowed-decrease');
    if (!(r > 0 && r <= 1)) {
      throw new UsageError(
        `--allowed-decrease must be above 0 and at most 1 (a mean ratio canary/baseline), not ${r}`,
        help,
      );
    }
    rules.allowedDecrease = r;
  }
  return rules;
}

function oneOf<T extends string>(text: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not "${text}"`, help);
}

function ratio(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`${option} must be a number, such as 1.2, not "${text}"`, help);
  }
  return value;
}

/** The values in a file: a JSON array of finite numbers, or an InputFileInvalid (exit 2) saying what is wrong. */
function readSeries(path: string, option: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new InputFileInvalid(`cannot read ${option} ${path}: ${reason}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputFileInvalid(
      `${option} ${path} is not valid JSON (${(error as Error).message}); ${EXPECTED}`,
      {
        cause: error,
      },
    );
  }
  if (!Array.isArray(data)) {
    throw new InputFileInvalid(`${option} ${path} holds ${kind(data)}, not an array; ${EXPECTED}`);
  }
  const bad = data.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) {
    throw new InputFileInvalid(
      `${option} ${path}: element [${bad}] is ${kind(data[bad])}, not a number; ${EXPECTED}`,
    );
  }
  return data as number[];
}

const EXPECTED = 'the file must hold a JSON array of numbers, such as [0.012, 0.010, 0.015]';

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeRules(rules: MetricRules) {
  const { direction, allowedIncrease, allowedDecrease, outliers } = rules;
  return { direction, allowedIncrease, allowedDecrease, outliers };
}

function printResult(output: Output, r: MetricResult, rules: MetricRules): void {
  output.out(r.classification);
  output.out(`  ${r.reason}`);
  output.out(`  baseline: ${sample(r.baseline)}`);
  output.out(`  canary:   ${sample(r.canary)}`);
  if (r.u !== null && r.pValue !== null && r.interval !== null && r.estimate !== null) {
    output.out(
      `  Mann-Whitney U (canary): ${r.u}, two-sided p = ${r.pValue.toPrecision(6)} (${r.method} method)`,
    );
    output.out(
      `  Hodges-Lehmann shift canary - baseline: ${num(r.estimate)}, ${KAYENTA_CONFIDENCE * 100}% interval [${num(r.interval[0])}, ${num(r.interval[1])}]`,
    );
    output.out(`  mean ratio canary/baseline: ${r.ratio === null ? 'n/a (a mean is 0)' : num(r.ratio)}`);
  }
  output.out(
    `  settings: direction ${rules.direction}, allowed increase ${rules.allowedIncrease}, allowed decrease ${rules.allowedDecrease}, outliers ${rules.outliers}`,
  );
}

function sample(s: MetricResult['baseline']): string {
  const dropped = [
    s.missing > 0 ? `${s.missing} missing` : '',
    s.outliers > 0 ? `${s.outliers} outliers removed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const mean = s.mean === null ? '' : `, mean ${num(s.mean)}`;
  return `${s.n} values${mean}${dropped ? ` (${dropped})` : ''}`;
}

function num(v: number): string {
  return String(Number(v.toPrecision(6)));
}
