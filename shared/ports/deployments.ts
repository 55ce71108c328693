// Ports for the deployments table: mutable state, unlike the ledger.
// Adapters: shared/aws/dynamodb-deployments-table.ts and the files it names (one table, one item
// kind per port, one file per adapter).

import type { Deployment, StableRelease } from '../domain/deployment.js';
import type { ChainHead } from '../domain/ledger.js';

export type LockResult =
  { acquired: true } | { acquired: false; holder: { deploymentId: string; leaseUntil: number } };

/** A push that arrived while the service was busy; the newest one waits, older ones are dropped. */
export interface QueuedPush {
  service: string;
  image: string;
  /** When the image was pushed (ms since epoch), as the ECR event says. */
  pushedAt: number;
  /** The execution input to start once the lock frees. */
  input: Record<string, unknown>;
}

/** One deployment per service at a time. A lock is a lease: an abandoned one expires. */
export interface DeploymentLocks {
  /** Takes the lock if it is free, expired, or already ours (a retried step). */
  acquire(service: string, deploymentId: string, leaseUntil: number, now: number): Promise<LockResult>;
  /** Extends our lease; false if the lock is no longer ours. */
  renew(service: string, deploymentId: string, leaseUntil: number): Promise<boolean>;
  /** Frees the lock if it is ours; otherwise does nothing. */
  release(service: string, deploymentId: string): Promise<void>;
  holder(service: string): Promise<{ deploymentId: string; leaseUntil: number } | null>;
  /** `holder` for many services at once (a fleet view): each one asked, mapped to its holder or null. */
  holders(
    services: readonly string[],
  ): Promise<Map<string, { deploymentId: string; leaseUntil: number } | null>>;
  /**
   * Hands the lock from `from` to `to`, with a new lease, only while `from` holds it. True if
   * `to` holds it afterwards (also when it already did: a retry); false if a third holds it or
   * none does.
   */
  transfer(service: string, from: string, to: string, leaseUntil: number): Promise<boolean>;
  /** Keeps `push` unless a newer one is already waiting. Returns whether it was kept. */
  queue(push: QueuedPush): Promise<boolean>;
  /** The waiting push, if any; it stays queued until `dequeue`. */
  queued(service: string): Promise<QueuedPush | null>;
  /**
   * Removes the waiting push if it is still the one pushed at `pushedAt`. Called after
   * its execution started, so a failure in between leaves it queued for the retry.
   */
  dequeue(service: string, pushedAt: number): Promise<void>;
}

/** Top-level fields a conditional update tests: equal to a value, or absent (`null`). */
export type DeploymentCondition = Partial<Record<keyof Deployment, string | number | boolean | null>>;

export interface Deployments {
  /** Stores a new deployment; false if one with that id exists already. */
  create(deployment: Deployment): Promise<boolean>;
  get(deploymentId: string): Promise<Deployment | null>;
  /** `get` for many deployments at once: the ones that exist, by id (a missing one is left out). */
  getMany(deploymentIds: readonly string[]): Promise<Map<string, Deployment>>;
  /** Changes some fields of an existing deployment and returns it as stored. */
  update(deploymentId: string, changes: Partial<Omit<Deployment, 'deploymentId'>>): Promise<Deployment>;
  /**
   * `update`, done only if every field of `when` holds in the stored deployment: a value must
   * equal the stored one, and `null` means the field is absent. Returns null, and changes
   * nothing, when one does not hold (or the deployment does not exist).
   */
  updateIf(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null>;
  /** Deployments of a service, newest first. */
  listByService(service: string, limit: number): Promise<Deployment[]>;
}

export interface ServiceState {
  /** The release now serving production; null before Cutover's first release of it. */
  stable: StableRelease | null;
  /** The ledger's anchor: the newest record's seq and hash, as last written. */
  ledgerHead: ChainHead | null;
  /** The highest release number given out so far; absent before the first `allocateRelease`. */
  lastRelease?: number | undefined;
}

export interface ServiceStates {
  get(service: string): Promise<ServiceState>;
  /** `get` for many services at once: each one asked, mapped to its state. */
  getMany(services: readonly string[]): Promise<Map<string, ServiceState>>;
  setStable(service: string, stable: StableRelease): Promise<void>;
  /** Moves the anchor forward; an older head than the one stored is ignored. */
  advanceLedgerHead(service: string, head: ChainHead): Promise<void>;
  /**
   * Gives `deploymentId` the service's next release number: one more than any number given
   * before, or than `floor` when none was (a service whose releases predate the counter).
   * Never the same number twice, however many deployments ask at once; the deployment that
   * took the last number gets it again when it asks again (a retried step).
   */
  allocateRelease(service: string, deploymentId: string, floor: number): Promise<number>;
}

export interface AlarmWatcher {
  alarmName: string;
  deploymentId: string;
  service: string;
  /** The bake's task token, failed with AlarmFired when the alarm goes to ALARM. */
  token: string;
}

/** Which running bakes watch which alarm, so an alarm event finds its deployments. */
export interface AlarmWatchers {
  watch(watchers: readonly AlarmWatcher[], expiresAt: number): Promise<void>;
  watchersOf(alarmName: string): Promise<AlarmWatcher[]>;
  unwatch(deploymentId: string, alarmNames: readonly string[]): Promise<void>;
}

/** What one of Cutover's own starters put in an execution's input: its trigger and actor. */
export interface StartVoucher {
  trigger: string;
  actor: string;
}

/**
 * Proof of an execution's origin. Step Functions does not say who called StartExecution, so
 * Cutover's starters (the API, on-image-push, release-lock and recovery, which start queued
 * pushes) vouch for each execution just before they start it. An execution nobody vouched for
 * was started by hand (the console): its actor is only a claim, and is recorded as one.
 */
export interface StartVouchers {
  vouch(executionName: string, voucher: StartVoucher): Promise<void>;
  get(executionName: string): Promise<StartVoucher | null>;
}
