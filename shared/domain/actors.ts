// Who acted, as the ledger records it. People are IAM principals on AWS (`arn:aws:iam::…`,
// `arn:aws:sts::…:assumed-role/…`) and `operator:<name>` on the local cloud; Cutover's own
// steps write the names below. A client may never act under one of them, or a forged record
// could pass for the system's own (test/domain/actors.test.ts checks that every actor the
// engine writes is listed here).

/** Actor names Cutover writes itself; a client's actor may be none of them, nor start with `<name>:`. */
export const RESERVED_ACTOR_PREFIXES = [
  'state-machine',
  'ecr-push',
  'alarm',
  'console',
  'system',
  'cutover',
  'recover-orphans',
  'check-drift',
  'unknown',
] as const;

/** Written alone by the engine (a full promotion, an operator's rollback); `operator:<name>` is a person. */
export const RESERVED_ACTOR_NAMES = ['operator'] as const;

/**
 * The reserved prefix (or name) `actor` uses, case-insensitively, or undefined. A prefix is
 * used by the name itself and by the name followed by anything other than a letter or digit:
 * `alarm`, `alarm:web-5xx-rate` and `state-machine/x` are reserved; `alarmist` is not.
 */
export function reservedActorPrefix(actor: string): string | undefined {
  const lower = actor.toLowerCase();
  const name = RESERVED_ACTOR_NAMES.find((n) => lower === n);
  if (name !== undefined) return name;
  return RESERVED_ACTOR_PREFIXES.find(
    (prefix) => lower.startsWith(prefix) && !/^[\p{L}\p{N}]/u.test(lower.slice(prefix.length)),
  );
}
