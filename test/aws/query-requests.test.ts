// The query-protocol requests under the ELBv2 adapters (shared/aws/query-requests.ts,
// elbv2-requests.ts): bodies flattened as the SDK's own serializer flattens them, and as the
// local cloud's decoder reads them back; errors named as the SDK's client names them (it is asked
// the same thing on the same server); signatures checked by AWS's SigV4 steps; a hostile answer
// refused; throttling tried 3 times, then TransientError.

import * as elbSdk from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  type Action as SdkAction,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeQuery } from '../../local/aws/query-protocol.js';
import { AwsServiceError, MalformedXml, TransientError } from '../../shared/aws/errors.js';
import { ELBV2, Elbv2Requests, elbv2Requests } from '../../shared/aws/elbv2-requests.js';
import { Elbv2TrafficRouter } from '../../shared/aws/elbv2-traffic-router.js';
import { encodeQuery, QueryRequests, type QueryValue } from '../../shared/aws/query-requests.js';
import { configOfSdkClient } from '../../shared/aws/sdk-client-config.js';
import type { AwsHttpConfig } from '../../shared/aws/signed-http.js';
import { CREDENTIALS, StandInAws, type Answer } from '../support/stand-in-aws.js';

const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/1a2b/3c4d/5e6f';

let elb: StandInAws;
beforeAll(async () => {
  elb = await new StandInAws('elasticloadbalancing', { headers: { 'content-type': 'text/xml' } }).start();
});
afterAll(() => elb.stop());
beforeEach(() => elb.reset());

/** A config that reaches the stand-in, tried as often as by default unless said otherwise. */
const config = (overrides: Partial<AwsHttpConfig> = {}): AwsHttpConfig =>
  elb.config({ maxAttempts: undefined, ...overrides });
const requests = (overrides: Partial<AwsHttpConfig> = {}) =>
  new Elbv2Requests(new QueryRequests(ELBV2, config(overrides)));
const sdkClient = (maxAttempts = 1) => new ElasticLoadBalancingV2Client({ ...config(), maxAttempts });

const errorAnswer = (status: number, code: string, message: string): Answer => ({
  status,
  body:
    '<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error>' +
    `<Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    '<RequestId>9b1c</RequestId></ErrorResponse>',
});
const rulesAnswer = (actions: string): Answer => ({
  status: 200,
  body:
    '<DescribeRulesResponse><DescribeRulesResult><Rules><member>' +
    `<RuleArn>${RULE}</RuleArn><Priority>5</Priority><Actions>${actions}</Actions>` +
    '</member></Rules></DescribeRulesResult></DescribeRulesResponse>',
});

const OIDC_ACTION: SdkAction = {
  Type: 'authenticate-oidc',
  AuthenticateOidcConfig: {
    Issuer: 'https://idp.example.com',
    AuthorizationEndpoint: 'https://idp.example.com/authorize?a=1&b=2',
    TokenEndpoint: 'https://idp.example.com/token',
    UserInfoEndpoint: 'https://idp.example.com/userinfo',
    ClientId: 'cutover ü+/=',
    SessionTimeout: 604800,
    AuthenticationRequestExtraParams: { prompt: 'login', display: 'page & more' },
    UseExistingClientSecret: true,
  },
  Order: 1,
};
const FORWARD_ACTION: SdkAction = {
  Type: 'forward',
  Order: 2,
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: 'arn:blue', Weight: 90 },
      { TargetGroupArn: 'arn:green', Weight: 10 },
    ],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
  },
};

describe('the body, as the SDK sends it', () => {
  it.each([
    ['weighted forward and OIDC actions', [OIDC_ACTION, FORWARD_ACTION]],
    ['no actions at all', []],
  ])('ModifyRule with %s is the SDK’s own body, byte for byte', async (_, actions) => {
    elb.answer = () => ({
      status: 200,
      body: '<ModifyRuleResponse><ModifyRuleResult/></ModifyRuleResponse>',
    });
    const sdk = sdkClient();
    await sdk.send(new ModifyRuleCommand({ RuleArn: RULE, Actions: actions }));
    sdk.destroy();
    await new QueryRequests(ELBV2, config()).call('ModifyRule', {
      RuleArn: RULE,
      Actions: actions as unknown as QueryValue,
    });
    expect(elb.received.map((r) => r.problem)).toEqual([undefined, undefined]);
    expect(elb.received[1]!.headers['content-type']).toBe(elb.received[0]!.headers['content-type']);
    expect(elb.received[1]!.body).toBe(elb.received[0]!.body);
  });

  const name = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,9}$/);
  const leaf = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.integer(), fc.boolean());
  const value: fc.Arbitrary<QueryValue> = fc.letrec<{ value: QueryValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
      fc.dictionary(name, tie('value'), { minKeys: 1, maxKeys: 3 }),
    ),
  })).value;
  /** The value as the wire has it: numbers and booleans as their text. */
  const asText = (v: QueryValue): unknown =>
    Array.isArray(v)
      ? v.map(asText)
      : typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, asText(inner)]))
        : String(v);

  it('is read back by the local cloud’s decoder as the input given, for any input', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 4 }), (input) => {
        const params = new URLSearchParams(encodeQuery('DescribeRules', ELBV2, input));
        expect(params.get('Action')).toBe('DescribeRules');
        expect(params.get('Version')).toBe('2015-12-01');
        expect(decodeQuery(params)).toEqual(asText(input));
      }),
      { numRuns: 300 },
    );
  });

  it('flattens a map as entries the local cloud reads back', () => {
    const body = encodeQuery('ModifyRule', ELBV2, {
      Actions: [{ AuthenticateOidcConfig: { AuthenticationRequestExtraParams: { a: '1', 'b c': '&' } } }],
    });
    expect(decodeURIComponent(body).split('&').slice(2, 4)).toEqual([
      'Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.key=a',
      'Actions.member.1.AuthenticateOidcConfig.AuthenticationRequestExtraParams.entry.1.value=1',
    ]);
    expect(decodeQuery(new URLSearchParams(body))).toEqual({
      Actions: [{ AuthenticateOidcConfig: { AuthenticationRequestExtraParams: { a: '1', 'b c': '&' } } }],
    });
  });
});

/** The weighted forward to blue and green a ModifyRule sends second, as the query decodes. */
const sentForward = (blue: string, green: string, more: Record<string, unknown> = {}) => ({
  Type: 'forward',
  Order: '2',
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: 'arn:blue', Weight: blue },
      { TargetGroupArn: 'arn:green', Weight: green },
    ],
    ...more,
  },
});

describe('answers, read as the SDK reads them', () => {
  it('reads the fields the router uses with the SDK’s types, and sends an OIDC action back unchanged', async () => {
    const oidc =
      '<member><Type>authenticate-oidc</Type><Order>1</Order><AuthenticateOidcConfig>' +
      '<Issuer>https://idp.example.com</Issuer><ClientId>cutover &amp; co</ClientId>' +
      '<SessionTimeout>604800</SessionTimeout><AuthenticationRequestExtraParams>' +
      '<entry><key>prompt</key><value>login</value></entry></AuthenticationRequestExtraParams>' +
      '</AuthenticateOidcConfig></member>';
    const forward =
      '<member><Type>forward</Type><Order>2</Order><ForwardConfig><TargetGroups>' +
      '<member><TargetGroupArn>arn:blue</TargetGroupArn><Weight>90</Weight></member>' +
      '<member><TargetGroupArn>arn:green</TargetGroupArn><Weight>10</Weight></member>' +
      '</TargetGroups><TargetGroupStickinessConfig><Enabled>true</Enabled>' +
      '<DurationSeconds>300</DurationSeconds></TargetGroupStickinessConfig></ForwardConfig></member>';
    elb.answer = () => rulesAnswer(oidc + forward);
    const sdk = sdkClient();
    const theirs = (await sdk.send(new DescribeRulesCommand({ RuleArns: [RULE] }))).Rules![0]!;
    const ours = (await requests().describeRules([RULE]))[0]!;
    expect(ours.Actions[1]).toEqual(theirs.Actions![1]);
    expect(ours.Actions[0]).toMatchObject({ Type: 'authenticate-oidc', Order: 1 });

    elb.received.length = 0;
    elb.answer = ({ body }) =>
      body.includes('Action=DescribeRules')
        ? rulesAnswer(oidc + forward)
        : { status: 200, body: '<ModifyRuleResponse/>' };
    await new Elbv2TrafficRouter(sdk).setWeights(RULE, [
      { targetGroupArn: 'arn:blue', weight: 0 },
      { targetGroupArn: 'arn:green', weight: 100 },
    ]);
    sdk.destroy();
    expect(elb.received.map((r) => r.problem)).toEqual([undefined, undefined]);
    const sent = decodeQuery(new URLSearchParams(elb.received[1]!.body));
    expect(sent).toEqual({
      RuleArn: RULE,
      Actions: [
        {
          Type: 'authenticate-oidc',
          Order: '1',
          AuthenticateOidcConfig: {
            Issuer: 'https://idp.example.com',
            ClientId: 'cutover & co',
            SessionTimeout: '604800',
            AuthenticationRequestExtraParams: { prompt: 'login' },
            UseExistingClientSecret: 'true',
          },
        },
        sentForward('0', '100', { TargetGroupStickinessConfig: { Enabled: 'true', DurationSeconds: '300' } }),
      ],
    });
  });

  it('keeps a JWT validation action, config and all, in front of the new weighted forward', async () => {
    // Found by review: only the two authenticate actions were kept, so a rule behind ALB's JWT
    // validation would have lost it at the first shift, opening the route.
    const jwt =
      '<member><Type>jwt-validation</Type><Order>1</Order><JwtValidationConfig>' +
      '<JwksEndpoint>https://idp.example.com/.well-known/jwks.json</JwksEndpoint>' +
      '<Issuer>https://idp.example.com</Issuer></JwtValidationConfig></member>';
    const forward =
      '<member><Type>forward</Type><Order>2</Order><TargetGroupArn>arn:blue</TargetGroupArn></member>';
    elb.answer = ({ body }) =>
      body.includes('Action=DescribeRules')
        ? rulesAnswer(jwt + forward)
        : { status: 200, body: '<ModifyRuleResponse/>' };
    elb.received.length = 0;
    await new Elbv2TrafficRouter(requests()).setWeights(RULE, [
      { targetGroupArn: 'arn:blue', weight: 90 },
      { targetGroupArn: 'arn:green', weight: 10 },
    ]);
    expect(decodeQuery(new URLSearchParams(elb.received[1]!.body)).Actions).toEqual([
      {
        Type: 'jwt-validation',
        Order: '1',
        JwtValidationConfig: {
          JwksEndpoint: 'https://idp.example.com/.well-known/jwks.json',
          Issuer: 'https://idp.example.com',
        },
      },
      sentForward('90', '10'),
    ]);
  });

  it('refuses a weight that is not a whole number, as the SDK does, changing nothing', async () => {
    elb.answer = () =>
      rulesAnswer(
        '<member><Type>forward</Type><ForwardConfig><TargetGroups><member>' +
          '<TargetGroupArn>arn:blue</TargetGroupArn><Weight>ninety</Weight></member>' +
          '</TargetGroups></ForwardConfig></member>',
      );
    const router = new Elbv2TrafficRouter(requests());
    await expect(router.setWeights(RULE, [{ targetGroupArn: 'arn:blue', weight: 1 }])).rejects.toThrow(
      MalformedXml,
    );
    expect(elb.received.map((r) => new URLSearchParams(r.body).get('Action'))).toEqual(['DescribeRules']);
  });

  it('refuses an answer with a DOCTYPE and sends nothing after it', async () => {
    elb.answer = () => ({
      status: 200,
      body:
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY w "weight">]>' +
        '<DescribeRulesResponse><DescribeRulesResult><Rules/></DescribeRulesResult></DescribeRulesResponse>',
    });
    const router = new Elbv2TrafficRouter(requests());
    await expect(router.setWeights(RULE, [{ targetGroupArn: 'arn:blue', weight: 1 }])).rejects.toThrow(
      /DOCTYPE/,
    );
    expect(elb.received).toHaveLength(1);
  });
});

describe('errors, named as the SDK names them', () => {
  it.each([
    [400, 'RuleNotFound', 'RuleNotFoundException'],
    [400, 'ListenerNotFound', 'ListenerNotFoundException'],
    [400, 'UnsupportedProtocol', 'UnsupportedProtocolException'],
    [400, 'AccessDenied', 'AccessDenied'],
    [400, 'ValidationError', 'ValidationError'],
    [403, 'SignatureDoesNotMatch', 'SignatureDoesNotMatch'],
  ])('%i %s is %s', async (status, code, name) => {
    elb.answer = () => errorAnswer(status, code, `${code} &amp; more`);
    const sdk = sdkClient();
    const theirs = await sdk.send(new DescribeRulesCommand({ RuleArns: [RULE] })).catch((e: unknown) => e);
    sdk.destroy();
    const ours = await requests({ maxAttempts: 1 })
      .describeRules([RULE])
      .catch((e: unknown) => e);
    expect(theirs).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect(ours).toBeInstanceOf(AwsServiceError);
    expect(ours).toMatchObject({ name, message: `${code} & more`, $metadata: { httpStatusCode: status } });
  });

  it('maps each code as the SDK’s model does', () => {
    for (const [code, name] of Object.entries(ELBV2.exceptions)) {
      const schema = (elbSdk as unknown as Record<string, unknown[]>)[`${name}$`];
      expect(schema?.[2], code).toBe(name);
      expect((schema?.[3] as { awsQueryError: [string, number] }).awsQueryError[0]).toBe(code);
    }
  });

  it('names an answer with no AWS error in it (a proxy’s page) Unknown, keeping its status', async () => {
    elb.answer = () => ({ status: 502, body: '<html><body>Bad Gateway<br></body></html>' });
    const error = await requests({ maxAttempts: 1 })
      .describeListeners(['arn:listener'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Unknown', $metadata: { httpStatusCode: 502 }, $fault: 'server' });
  });

  it('tries a throttled request 3 times, then the router fails it as TransientError', async () => {
    elb.answer = () => errorAnswer(400, 'Throttling', 'Rate exceeded');
    const error = await new Elbv2TrafficRouter(requests()).weights(RULE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toMatchObject({ name: 'Throttling' });
    expect(elb.received).toHaveLength(3);
  });

  it('lets the router tell a missing rule from other errors', async () => {
    elb.answer = () => errorAnswer(400, 'RuleNotFound', 'One or more rules not found');
    await expect(new Elbv2TrafficRouter(requests()).weights(RULE)).rejects.toMatchObject({
      name: 'ResourceNotFound',
      cause: { name: 'RuleNotFoundException' },
    });
  });
});

describe('an SDK client, standing for where and how to send', () => {
  it('sends to its endpoint, signed with its credentials, with its tries', async () => {
    elb.answer = () => errorAnswer(503, 'ServiceUnavailable', 'later');
    const sdk = sdkClient(2);
    const error = await elbv2Requests(sdk)
      .describeTargetGroups(['arn:tg'])
      .catch((e: unknown) => e);
    sdk.destroy();
    expect(error).toMatchObject({ name: 'ServiceUnavailable' });
    expect(elb.received.map((r) => r.problem)).toEqual([undefined, undefined]);
    expect(new URLSearchParams(elb.received[0]!.body).get('TargetGroupArns.member.1')).toBe('arn:tg');
  });

  it('goes where the SDK client would: its own endpoint, else the environment’s', async () => {
    const ENV = {
      AWS_ENDPOINT_URL: 'http://all:1',
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: 'http://elb:2',
    };
    const bare = new ElasticLoadBalancingV2Client({ region: 'eu-west-1', credentials: CREDENTIALS });
    expect(await configOfSdkClient(bare, 'ELASTIC_LOAD_BALANCING_V2', ENV)).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://elb:2',
    });
    expect(
      (await configOfSdkClient(bare, 'ELASTIC_LOAD_BALANCING_V2', { AWS_ENDPOINT_URL: 'http://all:1' }))
        .endpoint,
    ).toBe('http://all:1');
    expect((await configOfSdkClient(bare, 'ELASTIC_LOAD_BALANCING_V2', {})).endpoint).toBeUndefined();
    const pointed = new ElasticLoadBalancingV2Client({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566/base',
      credentials: CREDENTIALS,
      maxAttempts: 5,
    });
    expect(await configOfSdkClient(pointed, 'ELASTIC_LOAD_BALANCING_V2', ENV)).toMatchObject({
      endpoint: 'http://127.0.0.1:4566/base',
      maxAttempts: 5,
    });
  });

  it('is the requests themselves when given them', () => {
    const given = requests();
    expect(elbv2Requests(given)).toBe(given);
  });
});
