// Which listener rule a request meets, as an Application Load Balancer decides it: the rules in
// order of priority, the first whose every condition holds, else the listener's default action.
// Within a condition any value may match; values are matched whole, with `*` (any characters) and
// `?` (one character) as wildcards, case-insensitively except for paths and query strings
// ("Listener rules for your Application Load Balancer", Condition types). A `source-ip` condition
// holds for no simulated request: they come from no address.

import type { RuleCondition } from './elbv2-actions.js';

/** A request as the conditions see it; header names in lower case. */
export interface RoutedRequest {
  path: string;
  method?: string;
  host?: string;
  headers?: Record<string, string>;
}

export function ruleMatches(conditions: readonly RuleCondition[], request: RoutedRequest): boolean {
  return conditions.every((condition) => conditionHolds(condition, request));
}

function conditionHolds(condition: RuleCondition, request: RoutedRequest): boolean {
  const config = (name: string) => (condition[name] ?? {}) as { Values?: string[] };
  const [pathOnly = '/', query = ''] = request.path.split('?', 2);
  switch (condition.Field) {
    case 'path-pattern':
      return valuesOf(condition, 'PathPatternConfig').some((v) => wildcard(v, false).test(pathOnly));
    case 'host-header':
      return valuesOf(condition, 'HostHeaderConfig').some((v) => wildcard(v, true).test(request.host ?? ''));
    case 'http-request-method':
      return (config('HttpRequestMethodConfig').Values ?? []).includes(request.method ?? 'GET');
    case 'http-header': {
      const header = condition.HttpHeaderConfig as { HttpHeaderName?: string; Values?: string[] };
      const value = request.headers?.[(header.HttpHeaderName ?? '').toLowerCase()];
      return value !== undefined && (header.Values ?? []).some((v) => wildcard(v, true).test(value));
    }
    case 'query-string': {
      const pairs = new URLSearchParams(query);
      const wanted =
        (condition.QueryStringConfig as { Values?: { Key?: string; Value?: string }[] }).Values ?? [];
      return wanted.some(({ Key, Value = '' }) =>
        [...pairs].some(
          ([key, value]) =>
            (Key === undefined || wildcard(Key, true).test(key)) && wildcard(Value, true).test(value),
        ),
      );
    }
    default:
      return false;
  }
}

function valuesOf(condition: RuleCondition, configName: string): string[] {
  return (condition[configName] as { Values?: string[] } | undefined)?.Values ?? condition.Values ?? [];
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}
