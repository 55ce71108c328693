// The ELBv2 operations the adapters use (DescribeRules, DescribeListeners, ModifyRule,
// ModifyListener, DescribeTargetGroups, CreateRule, DeleteRule) as signed query-protocol requests (query-requests.ts),
// so the Lambda bundles need no @aws-sdk/client-elastic-load-balancing-v2 (nor the SDK core it
// brings). Only the fields the adapters read are converted from the XML, typed as the SDK types
// them (Weight and Order are numbers); an authentication action's config is kept as ELB wrote
// it, to be sent back unchanged. Errors are named as the SDK names them (RuleNotFoundException).

import { withoutUndefined } from '../domain/records.js';
import { MalformedXml } from './errors.js';
import {
  QueryRequests,
  SdkClientQueryCalls,
  type QueryCalls,
  type QueryService,
  type QueryValue,
} from './query-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';
import type { Environment } from '../runtime/env.js';
import { configFromEnv } from './signed-http.js';
import { child, childText, members, type XmlElement } from './xml-reader.js';

/**
 * The error codes of the operations used here, and the exceptions the SDK's model names them.
 * Literals only: a bundle that imports clients.ts but no ELBv2 adapter keeps none of this.
 */
const EXCEPTIONS: Record<string, string> = {
  ALPNPolicyNotFound: 'ALPNPolicyNotSupportedException',
  CertificateNotFound: 'CertificateNotFoundException',
  DuplicateListener: 'DuplicateListenerException',
  IncompatibleProtocols: 'IncompatibleProtocolsException',
  InvalidConfigurationRequest: 'InvalidConfigurationRequestException',
  InvalidLoadBalancerAction: 'InvalidLoadBalancerActionException',
  ListenerNotFound: 'ListenerNotFoundException',
  LoadBalancerNotFound: 'LoadBalancerNotFoundException',
  OperationNotPermitted: 'OperationNotPermittedException',
  PriorityInUse: 'PriorityInUseException',
  RuleNotFound: 'RuleNotFoundException',
  SSLPolicyNotFound: 'SSLPolicyNotFoundException',
  TargetGroupAssociationLimit: 'TargetGroupAssociationLimitException',
  TargetGroupNotFound: 'TargetGroupNotFoundException',
  TooManyActions: 'TooManyActionsException',
  TooManyCertificates: 'TooManyCertificatesException',
  TooManyRules: 'TooManyRulesException',
  TooManyListeners: 'TooManyListenersException',
  TooManyRegistrationsForTargetId: 'TooManyRegistrationsForTargetIdException',
  TooManyTargetGroups: 'TooManyTargetGroupsException',
  TooManyTargets: 'TooManyTargetsException',
  TooManyUniqueTargetGroupsPerLoadBalancer: 'TooManyUniqueTargetGroupsPerLoadBalancerException',
  TrustStoreNotFound: 'TrustStoreNotFoundException',
  TrustStoreNotReady: 'TrustStoreNotReadyException',
  UnsupportedProtocol: 'UnsupportedProtocolException',
};

export const ELBV2: QueryService = {
  signingName: 'elasticloadbalancing',
  endpointPrefix: 'elasticloadbalancing',
  version: '2015-12-01',
  exceptions: EXCEPTIONS,
  maps: ['AuthenticationRequestExtraParams'],
};

/** The SDK's service id, as AWS_ENDPOINT_URL_<id> names it. */
const ENV_ID = 'ELASTIC_LOAD_BALANCING_V2';

// Types, not interfaces: an action must be assignable to the QueryValue it is sent as.
export type TargetGroupTuple = {
  TargetGroupArn?: string;
  Weight?: number;
};

export type ForwardConfig = {
  TargetGroups?: TargetGroupTuple[];
  TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number };
};

/** A config as ELB wrote it: text, lists and structures, sent back as read. */
export type WireConfig = Record<string, QueryValue>;

export interface Action {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: ForwardConfig;
  AuthenticateOidcConfig?: WireConfig;
  AuthenticateCognitoConfig?: WireConfig;
  JwtValidationConfig?: WireConfig;
}

export class Elbv2Requests {
  constructor(private readonly calls: QueryCalls) {}

  async describeRules(ruleArns: readonly string[]): Promise<Rule[]> {
    const result = await this.calls.call('DescribeRules', { RuleArns: ruleArns });
    return members(result, 'Rules').map(readRule);
  }

  /** Every rule of a listener, its default one included (`Priority` `default`), page by page. */
  async listenerRules(listenerArn: string): Promise<Rule[]> {
    const rules: Rule[] = [];
    let marker: string | undefined;
    do {
      const result = await this.calls.call('DescribeRules', {
        ListenerArn: listenerArn,
        PageSize: 400,
        ...(marker === undefined ? {} : { Marker: marker }),
      });
      rules.push(...members(result, 'Rules').map(readRule));
      marker = childText(result, 'NextMarker');
    } while (marker !== undefined && marker !== '');
    return rules;
  }

  /** CreateRule; returns the new rule's ARN. */
  async createRule(input: {
    listenerArn: string;
    priority: number;
    conditions: readonly WireConfig[];
    actions: readonly Action[];
  }): Promise<string> {
    const result = await this.calls.call('CreateRule', {
      ListenerArn: input.listenerArn,
      Priority: input.priority,
      Conditions: [...input.conditions],
      Actions: input.actions.map(writeAction),
    });
    const arn = childText(members(result, 'Rules')[0], 'RuleArn');
    if (arn === undefined) throw new MalformedXml('ELB answered CreateRule without the rule ARN');
    return arn;
  }

  async deleteRule(ruleArn: string): Promise<void> {
    await this.calls.call('DeleteRule', { RuleArn: ruleArn });
  }

  async describeListeners(
    listenerArns: readonly string[],
  ): Promise<{ ListenerArn?: string; DefaultActions: Action[] }[]> {
    const result = await this.calls.call('DescribeListeners', { ListenerArns: listenerArns });
    return members(result, 'Listeners').map((listener) => ({
      ListenerArn: childText(listener, 'ListenerArn'),
      DefaultActions: members(listener, 'DefaultActions').map(readAction),
    }));
  }

  async modifyRule(ruleArn: string, actions: readonly Action[]): Promise<void> {
    await this.calls.call('ModifyRule', { RuleArn: ruleArn, Actions: actions.map(writeAction) });
  }

  async modifyListener(listenerArn: string, defaultActions: readonly Action[]): Promise<void> {
    await this.calls.call('ModifyListener', {
      ListenerArn: listenerArn,
      DefaultActions: defaultActions.map(writeAction),
    });
  }

  async describeTargetGroups(
    targetGroupArns: readonly string[],
  ): Promise<{ TargetGroupArn?: string; LoadBalancerArns: string[] }[]> {
    const result = await this.calls.call('DescribeTargetGroups', { TargetGroupArns: targetGroupArns });
    return members(result, 'TargetGroups').map((group) => ({
      TargetGroupArn: childText(group, 'TargetGroupArn'),
      LoadBalancerArns: members(group, 'LoadBalancerArns').map((arn) => arn.text),
    }));
  }
}

/** What the adapters are given: the requests, or an SDK client to reach ELB as it would. */
export type Elbv2Source = Elbv2Requests | SdkClientLike;

export function elbv2Requests(source: Elbv2Source): Elbv2Requests {
  return source instanceof Elbv2Requests
    ? source
    : new Elbv2Requests(new SdkClientQueryCalls(ELBV2, source, ENV_ID));
}

/** ELB as a Lambda function reaches it: AWS_REGION, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 or AWS_ENDPOINT_URL, its credentials. */
export function elbv2RequestsFromEnv(env: Environment): Elbv2Requests {
  return new Elbv2Requests(new QueryRequests(ELBV2, configFromEnv(ENV_ID, env)));
}

/** A listener rule as DescribeRules gives it: conditions kept as ELB wrote them. */
export interface Rule {
  RuleArn?: string;
  /** A number, or `default` for a listener's default rule. */
  Priority?: string;
  Conditions: WireConfig[];
  Actions: Action[];
}

function readRule(rule: XmlElement): Rule {
  return withoutUndefined({
    RuleArn: childText(rule, 'RuleArn'),
    Priority: childText(rule, 'Priority'),
    Conditions: members(rule, 'Conditions').map(wireConfig),
    Actions: members(rule, 'Actions').map(readAction),
  });
}

function readAction(action: XmlElement): Action {
  const forward = child(action, 'ForwardConfig');
  const stickiness = child(forward, 'TargetGroupStickinessConfig');
  const oidc = child(action, 'AuthenticateOidcConfig');
  const cognito = child(action, 'AuthenticateCognitoConfig');
  const jwt = child(action, 'JwtValidationConfig');
  return withoutUndefined({
    Type: childText(action, 'Type') ?? '',
    Order: integer(action, 'Order'),
    TargetGroupArn: childText(action, 'TargetGroupArn'),
    ForwardConfig:
      forward === undefined
        ? undefined
        : withoutUndefined({
            TargetGroups: members(forward, 'TargetGroups').map((group) =>
              withoutUndefined({
                TargetGroupArn: childText(group, 'TargetGroupArn'),
                Weight: integer(group, 'Weight'),
              }),
            ),
            TargetGroupStickinessConfig:
              stickiness === undefined
                ? undefined
                : withoutUndefined({
                    Enabled: boolean(stickiness, 'Enabled'),
                    DurationSeconds: integer(stickiness, 'DurationSeconds'),
                  }),
          }),
    AuthenticateOidcConfig: oidc === undefined ? undefined : wireConfig(oidc),
    AuthenticateCognitoConfig: cognito === undefined ? undefined : wireConfig(cognito),
    JwtValidationConfig: jwt === undefined ? undefined : wireConfig(jwt),
  });
}

/** The action as the protocol flattens it: its members in the order the SDK sends them. */
function writeAction(action: Action): Record<string, QueryValue> {
  const { Type, TargetGroupArn, AuthenticateOidcConfig, AuthenticateCognitoConfig, Order, ForwardConfig } =
    action;
  const { JwtValidationConfig } = action;
  return {
    Type,
    TargetGroupArn,
    AuthenticateOidcConfig,
    AuthenticateCognitoConfig,
    Order,
    ForwardConfig,
    JwtValidationConfig,
  };
}

/** A structure's members as read: a leaf is its text, <member>s a list, <entry>s a map. */
function wireConfig(element: XmlElement): WireConfig {
  return Object.fromEntries(element.children.map((c) => [c.name, wireValue(c)]));
}

function wireValue(element: XmlElement): QueryValue {
  const { children } = element;
  if (children.length === 0) return element.text;
  if (children.every((c) => c.name === 'member')) return children.map(wireValue);
  if (children.every((c) => c.name === 'entry'))
    return Object.fromEntries(
      children.map((entry) => [childText(entry, 'key') ?? '', childText(entry, 'value') ?? '']),
    );
  return wireConfig(element);
}

function integer(element: XmlElement, name: string): number | undefined {
  const text = childText(element, name)?.trim();
  if (text === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(text))
    throw new MalformedXml(`ELB answered ${name} ${JSON.stringify(text)}, not a whole number`);
  return Number(text);
}

function boolean(element: XmlElement, name: string): boolean | undefined {
  const text = childText(element, name)?.trim();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false')
    throw new MalformedXml(`ELB answered ${name} ${JSON.stringify(text)}, not true or false`);
  return text === 'true';
}
