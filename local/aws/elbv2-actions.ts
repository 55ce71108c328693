// Listener and rule actions and rule conditions: validated from request input and stored in the
// shape AWS answers with. A forward action is stored (and returned) as AWS returns it since weighted
// target groups exist: always with a ForwardConfig listing every target group with its Weight and a
// TargetGroupStickinessConfig, plus TargetGroupArn when it forwards to exactly one target group.

import {
  list,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStructure,
  requiredString,
  stringList,
  structure,
  validationError,
  type Input,
} from './elbv2-input.js';
import { AwsError } from '../errors.js';

export interface TargetGroupTuple {
  TargetGroupArn: string;
  Weight: number;
}

export interface ForwardConfig {
  TargetGroups: TargetGroupTuple[];
  TargetGroupStickinessConfig: { Enabled: boolean; DurationSeconds?: number };
}

export interface RedirectConfig {
  Protocol: string;
  Port: string;
  Host: string;
  Path: string;
  Query: string;
  StatusCode: 'HTTP_301' | 'HTTP_302';
}

export interface FixedResponseConfig {
  StatusCode: string;
  ContentType?: string;
  MessageBody?: string;
}

export interface Action {
  Type: 'forward' | 'redirect' | 'fixed-response';
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: ForwardConfig;
  RedirectConfig?: RedirectConfig;
  FixedResponseConfig?: FixedResponseConfig;
}

export interface RuleCondition {
  Field: string;
  Values?: string[];
  [config: string]: unknown;
}

export interface ForwardWeight {
  targetGroupArn: string;
  weight: number;
}

/** AWS's limits on a weighted forward action. */
const MAX_TARGET_GROUPS = 5;
const MAX_WEIGHT = 999;

/**
 * Validates `Actions` (or `DefaultActions`) from a request. `targetGroupExists` decides
 * TargetGroupNotFound; everything else wrong is a ValidationError.
 */
export function parseActions(
  input: Input,
  field: string,
  targetGroupExists: (arn: string) => boolean,
): Action[] {
  const raw = list(input, field).map((item, i) => structure(item, `${field}.member.${i + 1}`));
  if (raw.length === 0) throw validationError(`${field} must contain at least one action`);
  const actions = raw.map((action, i) => parseAction(action, `${field}.member.${i + 1}`, targetGroupExists));
  if (actions.length > 1) {
    // Only final actions exist here (forward, redirect, fixed-response), and a rule has exactly one.
    throw validationError(
      `${field} has ${actions.length} actions; a rule or listener takes exactly one forward, redirect or ` +
        'fixed-response action (authenticate actions need an HTTPS listener, which the local cloud does not have)',
    );
  }
  return actions;
}

function parseAction(action: Input, field: string, targetGroupExists: (arn: string) => boolean): Action {
  const type = requiredString(action, 'Type');
  const order = optionalInteger(action, 'Order', 1, 50_000);
  const common = order === undefined ? {} : { Order: order };
  switch (type) {
    case 'forward':
      return { Type: 'forward', ...common, ...parseForward(action, field, targetGroupExists) };
    case 'redirect':
      return { Type: 'redirect', ...common, RedirectConfig: parseRedirect(action, field) };
    case 'fixed-response':
      return { Type: 'fixed-response', ...common, FixedResponseConfig: parseFixedResponse(action, field) };
    case 'authenticate-oidc':
    case 'authenticate-cognito':
      throw validationError(
        `${field}: ${type} actions are supported on HTTPS listeners only, and the local cloud has HTTP listeners only`,
      );
    default:
      throw validationError(
        `${field}.Type '${type}' must be one of forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito`,
      );
  }
}

function parseForward(
  action: Input,
  field: string,
  targetGroupExists: (arn: string) => boolean,
): Pick<Action, 'TargetGroupArn' | 'ForwardConfig'> {
  const single = optionalString(action, 'TargetGroupArn');
  const config = optionalStructure(action, 'ForwardConfig');
  const tuples = config === undefined ? [] : list(config, 'TargetGroups');
  if (single === undefined && tuples.length === 0) {
    throw validationError(`${field}: a forward action needs TargetGroupArn or ForwardConfig.TargetGroups`);
  }
  const groups: TargetGroupTuple[] = tuples.map((tuple, i) => {
    const group = structure(tuple, `${field}.ForwardConfig.TargetGroups.member.${i + 1}`);
    return {
      TargetGroupArn: requiredString(group, 'TargetGroupArn'),
      Weight: optionalInteger(group, 'Weight', 0, MAX_WEIGHT) ?? 1,
    };
  });
  if (single !== undefined) {
    if (groups.length > 1 || (groups.length === 1 && groups[0]!.TargetGroupArn !== single)) {
      throw validationError(
        `${field}: with both TargetGroupArn and ForwardConfig, ForwardConfig must name that one target group only`,
      );
    }
    if (groups.length === 0) groups.push({ TargetGroupArn: single, Weight: 1 });
  }
  if (groups.length > MAX_TARGET_GROUPS) {
    throw validationError(
      `${field}: a forward action takes at most ${MAX_TARGET_GROUPS} target groups, not ${groups.length}`,
    );
  }
  const arns = groups.map((group) => group.TargetGroupArn);
  const duplicate = arns.find((arn, i) => arns.indexOf(arn) !== i);
  if (duplicate !== undefined) throw validationError(`${field}: target group ${duplicate} is listed twice`);
  const missing = arns.filter((arn) => !targetGroupExists(arn));
  if (missing.length > 0) {
    throw new AwsError('TargetGroupNotFound', `Target groups '${missing.join(', ')}' not found`);
  }
  const stickiness =
    config === undefined ? undefined : optionalStructure(config, 'TargetGroupStickinessConfig');
  const enabled = stickiness === undefined ? false : (optionalBoolean(stickiness, 'Enabled') ?? false);
  const duration =
    stickiness === undefined ? undefined : optionalInteger(stickiness, 'DurationSeconds', 1, 604_800);
  if (enabled && duration === undefined) {
    throw validationError(`${field}: target group stickiness needs DurationSeconds (1 to 604800)`);
  }
  return {
    ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn } : {}),
    ForwardConfig: {
      TargetGroups: groups,
      TargetGroupStickinessConfig: {
        Enabled: enabled,
        ...(duration === undefined ? {} : { DurationSeconds: duration }),
      },
    },
  };
}

function parseRedirect(action: Input, field: string): RedirectConfig {
  const config = optionalStructure(action, 'RedirectConfig');
  if (config === undefined) throw validationError(`${field}: a redirect action needs RedirectConfig`);
  const status = requiredString(config, 'StatusCode');
  if (status !== 'HTTP_301' && status !== 'HTTP_302') {
    throw validationError(`${field}.RedirectConfig.StatusCode must be HTTP_301 or HTTP_302, not '${status}'`);
  }
  // The defaults AWS fills in: keep the request's own protocol, host, port, path and query.
  return {
    Protocol: optionalString(config, 'Protocol') ?? '#{protocol}',
    Port: optionalString(config, 'Port') ?? '#{port}',
    Host: optionalString(config, 'Host') ?? '#{host}',
    Path: optionalString(config, 'Path') ?? '/#{path}',
    Query: optionalString(config, 'Query') ?? '#{query}',
    StatusCode: status,
  };
}

function parseFixedResponse(action: Input, field: string): FixedResponseConfig {
  const config = optionalStructure(action, 'FixedResponseConfig');
  if (config === undefined)
    throw validationError(`${field}: a fixed-response action needs FixedResponseConfig`);
  const status = requiredString(config, 'StatusCode');
  if (!/^[245]\d\d$/.test(status)) {
    throw validationError(
      `${field}.FixedResponseConfig.StatusCode must be a 2XX, 4XX or 5XX code, not '${status}'`,
    );
  }
  const contentType = optionalString(config, 'ContentType');
  const body = optionalString(config, 'MessageBody');
  return {
    StatusCode: status,
    ...(contentType === undefined ? {} : { ContentType: contentType }),
    ...(body === undefined ? {} : { MessageBody: body }),
  };
}

/** Condition fields and the structure each one's values go in. */
const CONDITION_CONFIGS: Record<string, string> = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
  'http-header': 'HttpHeaderConfig',
  'http-request-method': 'HttpRequestMethodConfig',
  'query-string': 'QueryStringConfig',
  'source-ip': 'SourceIpConfig',
};

/** Fields that take the legacy `Values` list too; AWS answers with both forms for them. */
const LEGACY_VALUES = new Set(['host-header', 'path-pattern']);

/** Fields a rule may have at most once (http-header and query-string may repeat). */
const ONCE = new Set(['host-header', 'path-pattern', 'http-request-method', 'source-ip']);

export function parseConditions(input: Input, field: string): RuleCondition[] {
  const conditions = list(input, field).map((item, i) =>
    parseCondition(structure(item, `${field}.member.${i + 1}`)),
  );
  if (conditions.length === 0) throw validationError(`${field} must contain at least one condition`);
  const fields = conditions.map((condition) => condition.Field);
  const repeated = fields.find((name, i) => ONCE.has(name) && fields.indexOf(name) !== i);
  if (repeated !== undefined)
    throw validationError(`${field}: a rule can have only one '${repeated}' condition`);
  // ALB's quotas: "Condition values per rule: 5", "Condition wildcards per rule: 5".
  const values = conditions.flatMap(conditionValues);
  if (values.length > MAX_CONDITION_VALUES)
    throw validationError(
      `${field}: a rule can have at most ${MAX_CONDITION_VALUES} condition values, not ${values.length}`,
    );
  const wildcards = values.join('').replace(/[^*?]/g, '').length;
  if (wildcards > MAX_CONDITION_WILDCARDS)
    throw validationError(
      `${field}: a rule can have at most ${MAX_CONDITION_WILDCARDS} wildcards in its conditions, not ${wildcards}`,
    );
  return conditions;
}

const MAX_CONDITION_VALUES = 5;
const MAX_CONDITION_WILDCARDS = 5;

/** A condition's values, as ALB counts them against its quotas (a query string's key and value as one). */
function conditionValues(condition: RuleCondition): string[] {
  const config = Object.entries(condition).find(([key]) => key.endsWith('Config'))?.[1] as
    { Values?: unknown[] } | undefined;
  const values = config?.Values ?? condition.Values ?? [];
  return values.map((value) =>
    typeof value === 'string'
      ? value
      : Object.values(value as Record<string, unknown>)
          .map(String)
          .join(''),
  );
}

function parseCondition(condition: Input): RuleCondition {
  const name = requiredString(condition, 'Field');
  const configName = CONDITION_CONFIGS[name];
  if (configName === undefined) {
    throw validationError(
      `Condition field '${name}' must be one of ${Object.keys(CONDITION_CONFIGS).join(', ')}`,
    );
  }
  const config = optionalStructure(condition, configName);
  if (LEGACY_VALUES.has(name)) {
    const values = config === undefined ? stringList(condition, 'Values') : stringList(config, 'Values');
    if (values.length === 0) throw validationError(`A '${name}' condition needs at least one value`);
    return { Field: name, Values: values, [configName]: { Values: values } };
  }
  if (config === undefined || list(config, 'Values').length === 0) {
    throw validationError(`A '${name}' condition needs ${configName}.Values`);
  }
  return { Field: name, [configName]: config };
}

/** The weights an action list forwards with: [] when it does not forward. */
export function forwardWeights(actions: readonly Action[]): ForwardWeight[] {
  const forward = actions.find((action) => action.Type === 'forward');
  return (forward?.ForwardConfig?.TargetGroups ?? []).map((group) => ({
    targetGroupArn: group.TargetGroupArn,
    weight: group.Weight,
  }));
}

/** Every target group an action list forwards to, whatever its weight. */
export function targetGroupsOf(actions: readonly Action[]): string[] {
  return forwardWeights(actions).map((weight) => weight.targetGroupArn);
}
