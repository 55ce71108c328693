// In-memory versions of the two tables' ports, with the same conditional rules
// as the DynamoDB adapters (which are tested against dynalite and moto).

import type { Deployment } from '../../shared/domain/deployment.js';
import type { ChainHead, LedgerRecord } from '../../shared/domain/ledger.js';
import type {
  AlarmWatcher,
  AlarmWatchers,
  DeploymentCondition,
  DeploymentLocks,
  Deployments,
  LockResult,
  QueuedPush,
  ServiceState,
  ServiceStates,
  StartVoucher,
  StartVouchers,
} from '../../shared/ports/deployments.js';
import type { StableRelease } from '../../shared/domain/deployment.js';
import type { ReleaseLedger } from '../../shared/ports/ledger.js';
import { TransientError } from '../../shared/aws/errors.js';

export class FakeLedger implements ReleaseLedger {
  readonly chains = new Map<string, LedgerRecord[]>();

  head(service: string): Promise<LedgerRecord | null> {
    return Promise.resolve(structuredClone(this.chains.get(service)?.at(-1) ?? null));
  }

  put(record: LedgerRecord): Promise<boolean> {
    const chain = this.chains.get(record.service) ?? [];
    if (chain.some((r) => r.seq === record.seq)) return Promise.resolve(false);
    chain.push(structuredClone(record));
    chain.sort((a, b) => a.seq - b.seq);
    this.chains.set(record.service, chain);
    return Promise.resolve(true);
  }

  list(service: string): Promise<unknown[]> {
    return Promise.resolve(structuredClone(this.chains.get(service) ?? []));
  }

  listBack(service: string, until: (stored: unknown) => boolean): Promise<unknown[]> {
    const newestFirst = [...(this.chains.get(service) ?? [])].reverse();
    const end = newestFirst.findIndex((record) => until(record));
    return Promise.resolve(structuredClone(end === -1 ? newestFirst : newestFirst.slice(0, end + 1)));
  }

  records(service: string): LedgerRecord[] {
    return this.chains.get(service) ?? [];
  }
}

export class FakeLocks implements DeploymentLocks {
  readonly locks = new Map<string, { deploymentId: string; leaseUntil: number }>();
  readonly waiting = new Map<string, QueuedPush>();

  acquire(service: string, deploymentId: string, leaseUntil: number, now: number): Promise<LockResult> {
    const held = this.locks.get(service);
    if (held && held.deploymentId !== deploymentId && held.leaseUntil >= now) {
      return Promise.resolve({ acquired: false, holder: { ...held } });
    }
    this.locks.set(service, { deploymentId, leaseUntil });
    return Promise.resolve({ acquired: true });
  }

  renew(service: string, deploymentId: string, leaseUntil: number): Promise<boolean> {
    const held = this.locks.get(service);
    if (held?.deploymentId !== deploymentId) return Promise.resolve(false);
    held.leaseUntil = leaseUntil;
    return Promise.resolve(true);
  }

  release(service: string, deploymentId: string): Promise<void> {
    if (this.locks.get(service)?.deploymentId === deploymentId) this.locks.delete(service);
    return Promise.resolve();
  }

  holder(service: string): Promise<{ deploymentId: string; leaseUntil: number } | null> {
    const held = this.locks.get(service);
    return Promise.resolve(held ? { ...held } : null);
  }

  holders(
    services: readonly string[],
  ): Promise<Map<string, { deploymentId: string; leaseUntil: number } | null>> {
    return Promise.resolve(
      new Map(services.map((s) => [s, this.locks.has(s) ? { ...this.locks.get(s)! } : null])),
    );
  }

  transfer(service: string, from: string, to: string, leaseUntil: number): Promise<boolean> {
    const held = this.locks.get(service);
    if (held?.deploymentId !== from && held?.deploymentId !== to) return Promise.resolve(false);
    this.locks.set(service, { deploymentId: to, leaseUntil });
    return Promise.resolve(true);
  }

  queue(push: QueuedPush): Promise<boolean> {
    const waiting = this.waiting.get(push.service);
    if (waiting && waiting.pushedAt >= push.pushedAt && waiting.image !== push.image)
      return Promise.resolve(false);
    this.waiting.set(push.service, structuredClone(push));
    return Promise.resolve(true);
  }

  queued(service: string): Promise<QueuedPush | null> {
    return Promise.resolve(structuredClone(this.waiting.get(service) ?? null));
  }

  dequeue(service: string, pushedAt: number): Promise<void> {
    if (this.waiting.get(service)?.pushedAt === pushedAt) this.waiting.delete(service);
    return Promise.resolve();
  }
}

export class FakeDeployments implements Deployments {
  readonly items = new Map<string, Deployment>();

  create(deployment: Deployment): Promise<boolean> {
    if (this.items.has(deployment.deploymentId)) return Promise.resolve(false);
    this.items.set(deployment.deploymentId, structuredClone(deployment));
    return Promise.resolve(true);
  }

  get(deploymentId: string): Promise<Deployment | null> {
    return Promise.resolve(structuredClone(this.items.get(deploymentId) ?? null));
  }

  getMany(deploymentIds: readonly string[]): Promise<Map<string, Deployment>> {
    const found = deploymentIds.filter((id) => this.items.has(id));
    return Promise.resolve(new Map(found.map((id) => [id, structuredClone(this.items.get(id)!)])));
  }

  update(deploymentId: string, changes: Partial<Omit<Deployment, 'deploymentId'>>): Promise<Deployment> {
    const current = this.items.get(deploymentId);
    if (current === undefined) return Promise.reject(new Error(`no deployment ${deploymentId}`));
    const next: Record<string, unknown> = { ...current };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete next[k];
      else next[k] = structuredClone(v);
    }
    this.items.set(deploymentId, next as unknown as Deployment);
    return Promise.resolve(structuredClone(next as unknown as Deployment));
  }

  updateIf(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null> {
    const current = this.items.get(deploymentId) as unknown as Record<string, unknown> | undefined;
    if (current === undefined) return Promise.resolve(null);
    const holds = Object.entries(when).every(([field, value]) =>
      value === null ? current[field] === undefined : current[field] === value,
    );
    return holds ? this.update(deploymentId, changes) : Promise.resolve(null);
  }

  listByService(service: string, limit: number): Promise<Deployment[]> {
    const all = [...this.items.values()].filter((d) => d.service === service);
    return Promise.resolve(structuredClone(all.sort((a, b) => b.startedAt - a.startedAt).slice(0, limit)));
  }
}

export class FakeServiceStates implements ServiceStates {
  readonly states = new Map<string, ServiceState>();

  get(service: string): Promise<ServiceState> {
    return Promise.resolve(structuredClone(this.states.get(service) ?? { stable: null, ledgerHead: null }));
  }

  getMany(services: readonly string[]): Promise<Map<string, ServiceState>> {
    const empty = { stable: null, ledgerHead: null };
    return Promise.resolve(new Map(services.map((s) => [s, structuredClone(this.states.get(s) ?? empty)])));
  }

  setStable(service: string, stable: StableRelease): Promise<void> {
    this.states.set(service, {
      ...(this.states.get(service) ?? { ledgerHead: null }),
      stable: structuredClone(stable),
    });
    return Promise.resolve();
  }

  advanceLedgerHead(service: string, head: ChainHead): Promise<void> {
    const state = this.states.get(service) ?? { stable: null, ledgerHead: null };
    if (state.ledgerHead === null || state.ledgerHead.seq < head.seq) state.ledgerHead = { ...head };
    this.states.set(service, state);
    return Promise.resolve();
  }

  /** Who took each service's last release number, as the adapter keeps it beside the number. */
  private readonly lastReleaseBy = new Map<string, string>();

  allocateRelease(service: string, deploymentId: string, floor: number): Promise<number> {
    const state = this.states.get(service) ?? { stable: null, ledgerHead: null };
    if (state.lastRelease !== undefined && this.lastReleaseBy.get(service) === deploymentId)
      return Promise.resolve(state.lastRelease);
    state.lastRelease = (state.lastRelease ?? floor) + 1;
    this.lastReleaseBy.set(service, deploymentId);
    this.states.set(service, state);
    return Promise.resolve(state.lastRelease);
  }
}

export class FakeWatchers implements AlarmWatchers {
  readonly watching: AlarmWatcher[] = [];

  watch(watchers: readonly AlarmWatcher[]): Promise<void> {
    for (const w of watchers) {
      const index = this.watching.findIndex(
        (x) => x.alarmName === w.alarmName && x.deploymentId === w.deploymentId,
      );
      if (index >= 0) this.watching.splice(index, 1);
      this.watching.push({ ...w });
    }
    return Promise.resolve();
  }

  watchersOf(alarmName: string): Promise<AlarmWatcher[]> {
    return Promise.resolve(this.watching.filter((w) => w.alarmName === alarmName).map((w) => ({ ...w })));
  }

  unwatch(deploymentId: string, alarmNames: readonly string[]): Promise<void> {
    for (let i = this.watching.length - 1; i >= 0; i -= 1) {
      const w = this.watching[i]!;
      if (w.deploymentId === deploymentId && alarmNames.includes(w.alarmName)) this.watching.splice(i, 1);
    }
    return Promise.resolve();
  }
}

/** Makes the next `times` calls of `method` throw (a TransientError by default), then behave. */
export function failNext<T extends object>(
  target: T,
  method: keyof T & string,
  times: number,
  error?: () => Error,
) {
  const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
  let left = times;
  (target as Record<string, unknown>)[method] = (...args: unknown[]) => {
    if (left > 0) {
      left -= 1;
      return Promise.reject(error ? error() : transient(method));
    }
    return original(...args);
  };
}

function transient(method: string): Error {
  return new TransientError(`${method} was throttled`);
}

export class FakeVouchers implements StartVouchers {
  readonly vouchers = new Map<string, StartVoucher>();

  vouch(executionName: string, voucher: StartVoucher): Promise<void> {
    this.vouchers.set(executionName, { ...voucher });
    return Promise.resolve();
  }

  get(executionName: string): Promise<StartVoucher | null> {
    return Promise.resolve(this.vouchers.get(executionName) ?? null);
  }
}
