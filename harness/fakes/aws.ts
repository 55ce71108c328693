// In-memory load balancer rules, CloudWatch alarms, hooks and executions.

import type { CutoverEvent } from '../../shared/domain/events.js';
import type { AlarmWatch } from '../../shared/ports/alarms.js';
import type { CutoverEvents } from '../../shared/ports/events.js';
import type { ExecutionSummary, Executions, StateMachineName } from '../../shared/ports/executions.js';
import type { HookEvent, HookResult, HookRunner } from '../../shared/ports/hooks.js';
import type { TargetWeight, TrafficRouter } from '../../shared/ports/traffic.js';
import type { AnalysisMetric } from '../../shared/domain/catalog-schema.js';
import type { MetricSource, MetricTarget, MetricWindow, TimedSeries } from '../../shared/ports/metrics.js';

export class FakeRouter implements TrafficRouter {
  readonly rules = new Map<string, TargetWeight[]>();
  /** Every weight change, in order, per rule: the traffic history tests assert on. */
  readonly changes: { ruleArn: string; weights: TargetWeight[] }[] = [];

  setWeights(ruleArn: string, weights: readonly TargetWeight[]): Promise<void> {
    this.rules.set(
      ruleArn,
      weights.map((w) => ({ ...w })),
    );
    this.changes.push({ ruleArn, weights: weights.map((w) => ({ ...w })) });
    return Promise.resolve();
  }

  weights(ruleArn: string): Promise<TargetWeight[]> {
    return Promise.resolve((this.rules.get(ruleArn) ?? []).map((w) => ({ ...w })));
  }

  weightOf(ruleArn: string, targetGroupArn: string): number {
    return this.rules.get(ruleArn)?.find((w) => w.targetGroupArn === targetGroupArn)?.weight ?? 0;
  }
}

export class FakeAlarms implements AlarmWatch {
  readonly known = new Set<string>();
  readonly inAlarm = new Set<string>();

  states(alarmNames: readonly string[]): Promise<Record<string, 'OK' | 'ALARM'>> {
    return Promise.resolve(
      Object.fromEntries(
        alarmNames.filter((n) => this.known.has(n)).map((n) => [n, this.inAlarm.has(n) ? 'ALARM' : 'OK']),
      ),
    );
  }

  firing(alarmNames: readonly string[]): Promise<string[]> {
    const missing = alarmNames.filter((n) => !this.known.has(n));
    if (missing.length > 0) return Promise.reject(new Error(`no such alarm: ${missing.join(', ')}`));
    return Promise.resolve(alarmNames.filter((n) => this.inAlarm.has(n)));
  }
}

/** A hook's answer: the same every call, none ('hang'), or one per call (`n` from 1). */
type FakeHookAnswer = HookResult | 'hang' | ((n: number, event: HookEvent) => HookResult);

export class FakeHooks implements HookRunner {
  readonly results = new Map<string, FakeHookAnswer>();
  readonly calls: { functionName: string; event: HookEvent }[] = [];

  run(functionName: string, event: HookEvent): Promise<HookResult> {
    this.calls.push({ functionName, event: structuredClone(event) });
    const answer = this.results.get(functionName) ?? { status: 'Succeeded' };
    if (answer === 'hang') return new Promise(() => undefined);
    if (typeof answer === 'function') {
      const n = this.calls.filter((c) => c.functionName === functionName).length;
      return Promise.resolve(answer(n, event));
    }
    return Promise.resolve(answer);
  }
}

export class FakeEvents implements CutoverEvents {
  readonly published: CutoverEvent[] = [];

  publish(event: CutoverEvent): Promise<void> {
    this.published.push(structuredClone(event));
    return Promise.resolve();
  }

  types(): string[] {
    return this.published.map((e) => e.detailType);
  }
}

export class FakeExecutions implements Executions {
  readonly started: { machine: StateMachineName; name: string; input: unknown }[] = [];
  /** What describe() answers, by execution name; started ones are RUNNING unless set here. */
  readonly summaries = new Map<string, ExecutionSummary>();

  describe(machine: StateMachineName, name: string): Promise<ExecutionSummary | null> {
    const known = this.summaries.get(name);
    if (known) return Promise.resolve(known);
    const started = this.started.find((s) => s.name === name && s.machine === machine);
    return Promise.resolve(started ? { status: 'RUNNING', startDate: 0 } : null);
  }

  start(machine: StateMachineName, name: string, input: unknown): Promise<'started' | 'exists'> {
    if (this.started.some((s) => s.name === name && s.machine === machine)) return Promise.resolve('exists');
    this.started.push({ machine, name, input });
    return Promise.resolve('started');
  }
}

/** The same values for every target group: the judge finds no difference. */
export const SAME_AS_BASELINE = [0.1, 0.12, 0.11, 0.13, 0.1, 0.12, 0.11, 0.1, 0.12, 0.11];

/**
 * Metrics by target group and metric name (SAME_AS_BASELINE for a group not set), and every
 * read with its window; `failing` makes reads throw.
 */
export class FakeMetrics implements MetricSource {
  readonly data = new Map<string, Record<string, number[]>>();
  failing: Error | null = null;
  /** Give only the periods that start inside the window, as CloudWatch does (off: every value set). */
  clipToWindow = false;
  readonly reads: { targetGroupArn: string; window: MetricWindow; names: string[] }[] = [];

  /**
   * A group's minutes for the sequential judge's error-rate and latency-p99 tests, 40 of them:
   * `requests` a minute, `errors` of them 5xx and `slower` slower than the p99 `p99`.
   */
  serve(group: string, { errors = 1, slower = 1, requests = 100, p99 = 0.25 } = {}): void {
    const minutes = (value: number) => Array<number>(40).fill(value);
    this.data.set(group, {
      'latency-p99': [p99],
      'error-rate--events': minutes(errors),
      'error-rate--exposure': minutes(requests),
      'latency-p99--rank': minutes(requests - slower),
      'latency-p99--exposure': minutes(requests),
    });
  }

  series(
    metrics: readonly AnalysisMetric[],
    target: MetricTarget,
    window: MetricWindow,
    periodSeconds = 60,
  ): Promise<TimedSeries[]> {
    this.reads.push({ targetGroupArn: target.targetGroupArn, window, names: metrics.map((m) => m.name) });
    if (this.failing !== null) return Promise.reject(this.failing);
    const values = this.data.get(target.targetGroupArn);
    return Promise.resolve(
      metrics.map((m) => {
        const all = [...(values === undefined ? SAME_AS_BASELINE : (values[m.name] ?? []))];
        const periods = Math.ceil((window.end - window.start) / (periodSeconds * 1000));
        const series = this.clipToWindow ? all.slice(0, periods) : all;
        const timestamps = series.map((_, i) => window.start + i * periodSeconds * 1000);
        return { name: m.name, values: series, timestamps };
      }),
    );
  }
}
