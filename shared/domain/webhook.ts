// A hook that is an HTTPS endpoint rather than a Lambda function (docs/catalog.md#webhooks).
// Step Functions calls it with its HTTP Task, through an EventBridge connection that holds its
// credentials, so no Lambda function is in the path and none sees a secret. The URL rules are
// here, shared by the catalog's schema and the packaging check.

import type { Problem } from './errors.js';

/** A hook given as `{url, connection}` in the catalog. */
export interface Webhook {
  url: string;
  /** The EventBridge connection's ARN, whose credentials Step Functions sends. */
  connection: string;
  /** Refused when true (catalog-rules.ts): only a function hook verifies a rollback. */
  afterRollback?: boolean | undefined;
}

/** A hook given as `{function, afterRollback}`: a function that also checks a rollback. */
export interface FunctionHook {
  function: string;
  /** Called once more after a rollback, to verify it (never blocking it). */
  afterRollback?: boolean | undefined;
}

/** A hook of the catalog: a Lambda function's name or ARN (alone, or with its options), or a webhook. */
export type HookTarget = string | FunctionHook | Webhook;

export const isWebhook = (target: HookTarget): target is Webhook =>
  typeof target !== 'string' && 'url' in target;

/** The hook's function, when it is one. */
export const functionOf = (target: HookTarget): string | undefined =>
  typeof target === 'string' ? target : 'function' in target ? target.function : undefined;

/** Where a call of the hook goes, for people to read: the function, or the webhook's URL. */
export const hookTargetName = (target: HookTarget): string => functionOf(target) ?? (target as Webhook).url;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `url` cannot be a webhook's (on AWS, or on the local cloud), or null. */
export function webhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL, e.g. https://smoke.example.com/check';
  }
  if (parsed.username !== '' || parsed.password !== '')
    return 'must not hold credentials: put them in the EventBridge connection';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return null;
  return 'must be an https URL (http only to localhost, for the local cloud)';
}

/** Why `url` cannot be a webhook's on AWS, where Step Functions calls https endpoints only, or null. */
export function awsWebhookUrlProblem(url: string): string | null {
  return (
    webhookUrlProblem(url) ??
    (new URL(url).protocol === 'https:'
      ? null
      : 'is http to localhost, which only the local cloud can call: on AWS a webhook must be https')
  );
}

/** The webhooks of a catalog that AWS could not call, each a problem at its path: packaging refuses them. */
export function awsWebhookProblems(
  services: Readonly<Record<string, { hooks: Readonly<Record<string, HookTarget | undefined>> }>>,
): Problem[] {
  return Object.entries(services).flatMap(([service, entry]) =>
    Object.entries(entry.hooks).flatMap(([hook, target]) => {
      const problem = target !== undefined && isWebhook(target) ? awsWebhookUrlProblem(target.url) : null;
      return problem === null ? [] : [{ path: `services.${service}.hooks.${hook}.url`, message: problem }];
    }),
  );
}
