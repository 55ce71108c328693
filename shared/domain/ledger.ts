// The release ledger: for each service, an append-only list of records, each carrying the hash of
// the one before it, so that an edit, a gap, a reordering or a foreign record anywhere in the chain
// is detectable. docs/ledger.md documents the encoding for checkers written in other languages.

import * as z from './zod.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { CanonicalEncodingError } from './errors.js';

/** What stopped a deployment: a reason's `kind`. */
export const REASON_KINDS = [
  'alarm',
  'hook',
  'analysis',
  'operator',
  'approval-timeout',
  'health',
  'error',
  'recovered',
] as const;

/** The `prevHash` of a service's first record (seq 1): 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The ledger's schemas, built at their first use rather than at import: building zod schemas is
 * the largest part of a function's cold start, and most invocations never read the ledger.
 */
function buildSchemas() {
  const nonEmpty = () => z.string().check(z.minLength(1));
  const upTo = (max: number) => z.string().check(z.maxLength(max));
  const sha256HexSchema = z
    .string()
    .check(z.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in 64 lowercase hex digits'));
  const positiveInt = z.int().check(z.gte(1));
  const percent = z.int().check(z.gte(0), z.lte(100));
  const digestPinnedImage = z
    .string()
    .check(
      z.regex(/^\S+@sha256:[0-9a-f]{64}$/, 'must be pinned by digest: <repository>@sha256:<64 hex digits>'),
    );

  const reasonSchema = z.strictObject({
    kind: z.enum(REASON_KINDS),
    message: nonEmpty(),
    alarmName: z.optional(nonEmpty()),
    hook: z.optional(nonEmpty()),
    score: z.optional(z.number()),
    failedMetrics: z.optional(z.array(nonEmpty())),
    error: z.optional(z.string()),
  });

  const releaseStartedDetail = z.strictObject({
    image: digestPinnedImage,
    strategy: z.enum(['blue-green', 'canary', 'linear', 'all-at-once', 'rolling']),
    trigger: z.enum(['push', 'api', 'console', 'rollback']),
    taskDefinitionArn: z.optional(nonEmpty()),
    /** The release being redeployed, for `rollback --to`. */
    rollbackOf: z.optional(positiveInt),
    /** The tag the image was pushed or deployed with, for people to read: the digest is its identity. */
    tag: z.optional(z.string().check(z.regex(/^\w[\w.-]{0,127}$/, 'must be an image tag'))),
  });

  const trafficShiftedDetail = z.strictObject({
    weights: z
      // The baseline task set's share, while a deployment runs one (analysis.baseline).
      .strictObject({ stable: percent, candidate: percent, baseline: z.optional(percent) })
      .check(
        z.refine(
          (w) => w.stable + w.candidate + (w.baseline ?? 0) === 100,
          'stable, candidate and baseline must sum to 100',
        ),
      ),
  });

  const promotedDetail = z.strictObject({ image: digestPinnedImage, taskDefinitionArn: nonEmpty() });

  /** Production traffic was put back on the stable release. */
  const rolledBackDetail = z.strictObject({ reason: reasonSchema });

  /** The deployment ended before any production traffic moved; there was nothing to roll back. */
  const abortedDetail = z.strictObject({ reason: reasonSchema });

  /**
   * Watched alarms were in ALARM when the deployment started, and it went on: it redeploys an
   * image promoted before (`rollback`), or an operator overrode them (`override`, with why).
   * Those alarms do not gate this deployment; the others do.
   */
  const alarmsOverriddenDetail = z.strictObject({
    alarms: z.array(nonEmpty()).check(z.minLength(1)),
    because: z.enum(['rollback', 'override']),
    /** For `rollback`: the release the image was promoted as. */
    promotedAs: z.optional(positiveInt),
    /** For `override`: the operator's reason. */
    reason: z.optional(upTo(1000)),
  });

  /** A person acted on a deployment: approved it, promoted it, aborted it, or asked for a rollback. */
  const operatorActionDetail = z.strictObject({
    action: z.enum(['approve', 'promote', 'promote-full', 'abort', 'rollback']),
    reason: z.optional(upTo(1000)),
    /** For `rollback`: the release asked for. */
    target: z.optional(positiveInt),
    /** The request's id: a step that runs twice finds it recorded and does not record it again. */
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    /** For `rollback`: a break-glass redeploy of an image the operator named, unchecked by the ledger. */
    breakGlass: z.optional(z.literal(true)),
  });

  /** Fields every record has, whatever its type. */
  const envelope = {
    service: nonEmpty(),
    seq: positiveInt,
    // zod's default accepts only UTC ("Z"), so two writers cannot spell one instant two ways.
    at: z.iso.datetime(),
    deploymentId: nonEmpty(),
    release: positiveInt,
    actor: nonEmpty(),
    prevHash: sha256HexSchema,
    hash: sha256HexSchema,
    /**
     * The ledger key's signature of the record's `hash` (ledger-signature.ts). Not covered by the
     * hash: it is made from it. Optional in the schema so that unsigned chains (test vectors,
     * ledgers from before signing) still parse; verify requires it when given the trusted keys.
     */
    signature: z.optional(
      z.strictObject({
        keyId: nonEmpty(),
        value: z.string().check(z.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')),
      }),
    ),
  };

  function recordSchema<const Type extends string, Detail extends z.ZodMiniType>(type: Type, detail: Detail) {
    // Strict, so a field this code does not know is reported rather than silently dropped.
    return z.strictObject({ ...envelope, type: z.literal(type), detail });
  }

  // One entry per record type.
  const ledgerRecordSchema = z.discriminatedUnion('type', [
    recordSchema('ReleaseStarted', releaseStartedDetail),
    recordSchema('TrafficShifted', trafficShiftedDetail),
    recordSchema('Promoted', promotedDetail),
    recordSchema('RolledBack', rolledBackDetail),
    recordSchema('Aborted', abortedDetail),
    recordSchema('OperatorAction', operatorActionDetail),
    recordSchema('AlarmsOverridden', alarmsOverriddenDetail),
  ]);
  return { reason: reasonSchema, record: ledgerRecordSchema };
}

let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = () => (built ??= buildSchemas());

/** Why a deployment stopped (in RolledBack and Aborted records, and in events). */
export const reasonSchema = z.lazy(() => schemas().reason);

/**
 * Parses one stored ledger record. To add a record type, add its detail schema in buildSchemas
 * and one entry in its union, then describe it in docs/ledger.md; hashing and verify need no change.
 */
export const ledgerRecordSchema = z.lazy(() => schemas().record);

export type LedgerRecord = z.infer<typeof ledgerRecordSchema>;
export type LedgerRecordType = LedgerRecord['type'];
export type LedgerRecordOf<Type extends LedgerRecordType> = Extract<LedgerRecord, { type: Type }>;
export type Reason = z.infer<typeof reasonSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A record before it is chained: `chainNext` adds `seq`, `prevHash` and `hash`. */
export type LedgerRecordDraft = DistributiveOmit<LedgerRecord, 'seq' | 'prevHash' | 'hash'>;

/** The latest record of a chain, as kept in the deployments table to anchor it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** SHA-256 (lowercase hex) of the canonical JSON of every field except `hash` and `signature`. */
export function hashRecord(record: LedgerRecord | DistributiveOmit<LedgerRecord, 'hash'>): string {
  const covered: Record<string, unknown> = { ...record };
  delete covered.hash;
  delete covered.signature;
  return sha256Hex(canonicalJson(covered));
}

/**
 * Builds the record that follows `head` (or the genesis record when `head` is null).
 * @throws $ZodError (zod's error) when the draft breaks the schema (e.g. weights not summing to 100).
 * @throws CanonicalEncodingError when a value has no canonical form (e.g. a lone surrogate).
 */
export function chainNext(head: ChainHead | null, draft: LedgerRecordDraft): LedgerRecord {
  const unhashed = { ...draft, seq: head ? head.seq + 1 : 1, prevHash: head ? head.hash : GENESIS_HASH };
  return ledgerRecordSchema.parse({ ...unhashed, hash: hashRecord(unhashed) });
}

export type VerifyProblem =
  | 'malformed'
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'sequence-gap'
  | 'wrong-service'
  | 'head-mismatch'
  | 'signature-missing'
  | 'signature-invalid';

/** A record's signature checked against the trusted keys (ledger-signature.ts); null when good. */
export type SignatureCheck = (
  record: LedgerRecord,
) => { problem: 'signature-missing' | 'signature-invalid'; message: string } | null;

/** A head kept outside the chain, and where: the chain must reach it with the same hash. */
export interface Anchor extends ChainHead {
  /** Where it was read, for messages: `the head anchor`, `the S3 anchor`. */
  source: string;
}

export interface VerifyOptions {
  /** The service the chain must belong to; defaults to the first record's service. */
  service?: string;
  /**
   * The head kept elsewhere (the deployments table). Without it, removing the newest records
   * cannot be detected: what is left is still a valid chain. The chain must reach the anchor
   * and match its hash; records after it are accepted, since the anchor moves after them.
   */
  head?: ChainHead;
  /** More anchors, each checked as `head` is (the S3 anchor, when there is one). */
  anchors?: readonly Anchor[];
  /** Checks every record's signature; without it, signatures are not looked at. */
  signatures?: SignatureCheck;
}

export type VerifyResult = { ok: true; count: number; head: ChainHead | null } | VerifyFailure;

export interface VerifyFailure {
  ok: false;
  /** 0-based position in `records` of the first broken record (or of the first missing one). */
  index: number;
  /** The seq that record carries (or should carry, if missing); null when it has no valid seq. */
  seq: number | null;
  problem: VerifyProblem;
  message: string;
}

/**
 * Checks a service's chain, read in seq order from seq 1, and reports the first broken record.
 * Never throws: anything wrong with the input is a failure result.
 */
export function verify(records: readonly unknown[], options: VerifyOptions = {}): VerifyResult {
  const verified: LedgerRecord[] = [];
  for (const [index, raw] of records.entries()) {
    const parsed = ledgerRecordSchema.safeParse(raw);
    if (!parsed.success) {
      return failure(index, seqOf(raw), 'malformed', `is malformed: ${describeIssues(parsed.error)}`);
    }
    const service = options.service ?? verified[0]?.service ?? parsed.data.service;
    const broken = checkLink(parsed.data, index, verified.at(-1) ?? null, service);
    if (broken) return broken;
    const unsigned = options.signatures?.(parsed.data);
    if (unsigned) return failure(index, parsed.data.seq, unsigned.problem, unsigned.message);
    verified.push(parsed.data);
  }
  const anchors = [
    ...(options.head ? [{ ...options.head, source: 'the head anchor' }] : []),
    ...(options.anchors ?? []),
  ];
  for (const anchor of anchors) {
    const broken = checkAnchor(verified, anchor);
    if (broken) return broken;
  }
  const last = verified.at(-1);
  return { ok: true, count: verified.length, head: last ? { seq: last.seq, hash: last.hash } : null };
}

function checkLink(
  record: LedgerRecord,
  index: number,
  previous: LedgerRecord | null,
  service: string,
): VerifyFailure | null {
  const fail = (problem: VerifyProblem, text: string) => failure(index, record.seq, problem, text);
  let computed: string;
  try {
    computed = hashRecord(record);
  } catch (error) {
    if (error instanceof CanonicalEncodingError) return fail('malformed', `is malformed: ${error.message}`);
    throw error;
  }
  if (computed !== record.hash) {
    return fail(
      'hash-mismatch',
      'hash does not match its contents; the record was edited or its hash forged',
    );
  }
  if (record.service !== service) {
    return fail('wrong-service', `belongs to service "${record.service}", not "${service}"`);
  }
  const expectedSeq = previous ? previous.seq + 1 : 1;
  if (record.seq !== expectedSeq) return fail('sequence-gap', describeSequenceBreak(record.seq, expectedSeq));
  if (previous && record.prevHash !== previous.hash) {
    return fail(
      'prev-hash-mismatch',
      `prevHash does not match the hash of seq ${previous.seq}; ` +
        'that record was changed and re-hashed, or this prevHash was',
    );
  }
  if (!previous && record.prevHash !== GENESIS_HASH) {
    return fail('prev-hash-mismatch', 'prevHash of the first record is not the genesis value (64 zeros)');
  }
  return null;
}

/**
 * The anchor is a lower bound: the chain must reach it, with the same hash there. Records
 * after it are fine; the anchor moves only after its record is written, so it can lag.
 */
export function checkAnchor(verified: readonly LedgerRecord[], anchor: Anchor): VerifyFailure | null {
  // After checkLink, verified[i].seq === i + 1.
  const count = verified.length;
  if (count < anchor.seq) {
    return failure(
      count,
      count + 1,
      'head-mismatch',
      `is missing: the chain ends at seq ${count} but ${anchor.source} is seq ${anchor.seq}; ` +
        'the newest records were removed',
    );
  }
  const atAnchor = verified[anchor.seq - 1];
  if (atAnchor && atAnchor.hash !== anchor.hash) {
    return failure(
      anchor.seq - 1,
      atAnchor.seq,
      'head-mismatch',
      `hash differs from ${anchor.source}; the record was replaced, or edited and re-hashed`,
    );
  }
  return null;
}

function describeSequenceBreak(found: number, expected: number): string {
  if (found < expected) {
    return `expected seq ${expected} but found seq ${found}; a record is duplicated or out of order`;
  }
  const missing = found - 1 === expected ? `seq ${expected}` : `seq ${expected}..${found - 1}`;
  return `expected seq ${expected} but found seq ${found}; ${missing} is missing or out of order`;
}

function failure(index: number, seq: number | null, problem: VerifyProblem, text: string): VerifyFailure {
  const which = seq === null ? `record ${index + 1}` : `record ${index + 1} (seq ${seq})`;
  return { ok: false, index, seq, problem, message: `${which}: ${text}` };
}

function seqOf(raw: unknown): number | null {
  const seq: unknown = typeof raw === 'object' && raw !== null ? (raw as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? seq : null;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? formatPath(issue.path) : 'the record'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
