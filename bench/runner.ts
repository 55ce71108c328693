// Runs figures one after another, each on its own: a figure that throws, or that is still
// running at its time bound, is recorded as not measured with the reason, and the run goes
// on to the next. The results are saved after every figure, so a run that is killed keeps
// what it measured. The summary sorts this run's targets into met, missed and not measured;
// the exit code is 0 only when every target was measured and met, and every figure measured.

import type { Environment, FigureResult, RecordedFigure, Results, Target } from './figures.js';
import { unmeasuredTarget } from './figures.js';
import { formatFigure } from './table.js';

export interface FigureJob {
  name: string;
  /** Real seconds the figure may take; then its signal is aborted and it is not measured. */
  timeoutSeconds: number;
  measure(signal: AbortSignal): Promise<FigureResult>;
}

export interface RunContext {
  /** The results of earlier runs, updated in place. */
  results: Results;
  quick: boolean;
  markdown: boolean;
  environment: Environment;
  /** Called after every figure, with the results so far. */
  save(results: Results): void;
  log(text: string): void;
  /** The day of the run, YYYY-MM-DD. */
  today: string;
}

export interface Summary {
  met: string[];
  missed: string[];
  notMeasured: string[];
  exitCode: 0 | 1;
  /** One line: why the exit code is what it is. */
  verdict: string;
}

export async function runFigures(jobs: readonly FigureJob[], context: RunContext): Promise<Summary> {
  for (const job of jobs) {
    context.log(`\nbench: measuring ${job.name}${context.quick ? ' (quick)' : ''}…`);
    const started = performance.now();
    const outcome = await bounded(job);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const recorded = record(job.name, outcome, context, seconds);
    context.results.figures[job.name] = recorded;
    context.save(context.results);
    context.log(`\n${describe(recorded, context.markdown)}\n\n(${seconds} s)`);
  }
  return summarize(jobs.map((job) => [job.name, context.results.figures[job.name]!]));
}

type Outcome = { figure: FigureResult } | { reason: string };

/** The figure's result, or why there is none: it threw, or it ran past its time bound. */
async function bounded(job: FigureJob): Promise<Outcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      const reason = `timed out after ${job.timeoutSeconds} s`;
      controller.abort(new Error(reason));
      resolve({ reason });
    }, job.timeoutSeconds * 1000);
  });
  const measured = (async (): Promise<Outcome> => ({ figure: await job.measure(controller.signal) }))().catch(
    (error: unknown): Outcome => ({ reason: reasonOf(error) }),
  );
  try {
    // A figure that fails after its time bound is already recorded: `measured` never rejects.
    return await Promise.race([measured, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] || 'failed without a message';
}

function record(name: string, outcome: Outcome, context: RunContext, seconds: number): RecordedFigure {
  const when = { measuredAt: context.today, quick: context.quick, seconds, environment: context.environment };
  if ('figure' in outcome) return { ...outcome.figure, ...when };
  const previous = context.results.figures[name];
  const lastMeasured = previous?.notMeasured === undefined ? previous : previous.lastMeasured;
  return {
    name: lastMeasured?.name ?? name,
    rows: [],
    // The targets the figure checked when last measured: they are not measured now.
    targets: (lastMeasured?.targets ?? []).map((t) => unmeasuredTarget(t.what, t.target, outcome.reason)),
    ...when,
    notMeasured: outcome.reason,
    ...(lastMeasured === undefined ? {} : { lastMeasured }),
  };
}

function describe(figure: RecordedFigure, markdown: boolean): string {
  if (figure.notMeasured === undefined) return formatFigure(figure, markdown);
  return `${markdown ? '###' : '=='} ${figure.name}\n\nnot measured: ${figure.notMeasured}`;
}

export function summarize(figures: readonly [string, RecordedFigure][]): Summary {
  const met: string[] = [];
  const missed: string[] = [];
  const notMeasured: string[] = [];
  const label = (name: string, t: Target) => `${name}: ${t.what}`;
  for (const [name, figure] of figures) {
    for (const t of figure.targets ?? []) {
      if (t.notMeasured !== undefined) notMeasured.push(`${label(name, t)}: ${t.notMeasured}`);
      else if (t.met) met.push(`${label(name, t)} (${t.actual})`);
      else missed.push(`${label(name, t)}: wanted ${t.target}, got ${t.actual}`);
    }
    // A figure not measured whose targets are not known still counts.
    if (figure.notMeasured !== undefined && (figure.targets ?? []).length === 0) {
      notMeasured.push(`${name} (the whole figure): ${figure.notMeasured}`);
    }
  }
  const problems = [
    ...(missed.length > 0 ? [`${missed.length} target(s) missed`] : []),
    ...(notMeasured.length > 0 ? [`${notMeasured.length} not measured`] : []),
  ];
  return {
    met,
    missed,
    notMeasured,
    exitCode: problems.length === 0 ? 0 : 1,
    verdict:
      problems.length === 0
        ? `every target measured and met (${met.length})`
        : `exit 1: ${problems.join(' and ')}`,
  };
}

/** The summary as printed at the end of a run. */
export function formatSummary(summary: Summary): string {
  const section = (title: string, lines: string[]) =>
    `${title} (${lines.length})${lines.map((line) => `\n  ${line}`).join('')}`;
  return [
    section('targets met', summary.met),
    section('targets missed', summary.missed),
    section('not measured', summary.notMeasured),
    `bench: ${summary.verdict}`,
  ].join('\n');
}
