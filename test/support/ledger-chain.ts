// A small ledger for the ledger tests: seven drafts of one service (a canary rolled back, a
// blue-green promoted, a rollback aborted), the chain they build, and the edits, forgeries and
// removals the verify tests make to a copy of it.

import { expect } from 'vitest';
import {
  chainNext,
  hashRecord,
  type verify,
  type ChainHead,
  type LedgerRecord,
  type LedgerRecordDraft,
} from '../../shared/domain/ledger.js';

export const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
const IMAGE_1 = `${REPO}@sha256:${'1a'.repeat(32)}`;
const IMAGE_2 = `${REPO}@sha256:${'2b'.repeat(32)}`;
const IMAGE_3 = `${REPO}@sha256:${'3c'.repeat(32)}`;

export function draftsFor(service: string): LedgerRecordDraft[] {
  const base = { service, deploymentId: `${service}-dep-1`, release: 1 };
  const second = { service, deploymentId: `${service}-dep-2`, release: 2 };
  const third = { service, deploymentId: `${service}-dep-3`, release: 3 };
  return [
    {
      ...base,
      at: '2025-03-14T09:00:00.000Z',
      type: 'ReleaseStarted',
      actor: 'ecr-push',
      detail: { image: IMAGE_1, strategy: 'canary', trigger: 'push' },
    },
    {
      ...base,
      at: '2025-03-14T09:01:00.000Z',
      type: 'TrafficShifted',
      actor: 'state-machine',
      detail: { weights: { stable: 90, candidate: 10 } },
    },
    {
      ...base,
      at: '2025-03-14T09:02:00.000Z',
      type: 'RolledBack',
      actor: 'alarm:web-5xx-rate',
      detail: {
        reason: {
          kind: 'alarm',
          message: 'web-5xx-rate went to ALARM',
          alarmName: 'web-5xx-rate',
          score: 0.25,
          failedMetrics: ['http-5xx-rate', 'p99-latency'],
        },
      },
    },
    {
      ...second,
      at: '2025-03-14T09:10:00.000Z',
      type: 'ReleaseStarted',
      actor: 'operator:alice',
      detail: {
        image: IMAGE_2,
        strategy: 'blue-green',
        trigger: 'api',
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      },
    },
    {
      ...second,
      at: '2025-03-14T09:12:00.000Z',
      type: 'Promoted',
      actor: 'state-machine',
      detail: {
        image: IMAGE_2,
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      },
    },
    {
      ...third,
      at: '2025-03-14T10:00:00.000Z',
      type: 'ReleaseStarted',
      actor: 'operator:bob',
      detail: { image: IMAGE_3, strategy: 'rolling', trigger: 'rollback', rollbackOf: 1 },
    },
    {
      ...third,
      at: '2025-03-14T10:00:05.000Z',
      type: 'Aborted',
      actor: 'state-machine',
      detail: { reason: { kind: 'health', message: 'new task set never became healthy' } },
    },
  ];
}

export function buildChain(drafts: readonly LedgerRecordDraft[]): LedgerRecord[] {
  const chain: LedgerRecord[] = [];
  for (const draft of drafts) chain.push(chainNext(chain.at(-1) ?? null, draft));
  return chain;
}

export const chain = buildChain(draftsFor('web'));
export const head = headOf(chain);

export function headOf(records: readonly LedgerRecord[]): ChainHead {
  const last = records.at(-1);
  if (!last) throw new Error('empty chain has no head');
  return { seq: last.seq, hash: last.hash };
}

/** Sets (or, for undefined, deletes) the value at a dotted path such as `detail.reason.failedMetrics.1`. */
export function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** A deep copy of the chain, as a store would hand it back, with one field of one record changed. */
export function withEdit(index: number, path: string, value: unknown): unknown[] {
  const copy = structuredClone(chain);
  setPath(copy[index], path, value);
  return copy;
}

/** Changes a field and recomputes that record's own hash, as a forger who knows the scheme would. */
export function withForgery(index: number, path: string, value: unknown): unknown[] {
  const copy = structuredClone(chain);
  const record = copy[index]!;
  setPath(record, path, value);
  record.hash = hashRecord(record);
  return copy;
}

export function without(index: number): LedgerRecord[] {
  return chain.filter((_, i) => i !== index);
}

export function expectFailure(
  result: ReturnType<typeof verify>,
  expected: { index: number; seq: number | null; problem: string },
) {
  expect(result).toMatchObject({ ok: false, ...expected });
}
