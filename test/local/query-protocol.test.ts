// The AWS query protocol edge cases the local ELBv2 relies on: how form parameters decode (nested
// lists, member order, empty lists), how results encode as XML, and how errors come out.

import { describe, expect, it } from 'vitest';
import { list, optionalBoolean, optionalInteger, paginate } from '../../local/aws/elbv2-input.js';
import { decodeQuery, handleQuery, toXml } from '../../local/aws/query-protocol.js';
import type { LocalService } from '../../local/aws/service.js';
import { AwsError } from '../../local/errors.js';

const form = (params: Record<string, string>) => new URLSearchParams(params);

describe('decodeQuery', () => {
  it('turns member lists into arrays, nested structures into objects, and drops Action and Version', () => {
    const decoded = decodeQuery(
      form({
        Action: 'ModifyRule',
        Version: '2015-12-01',
        RuleArn: 'arn:rule',
        'Actions.member.1.Type': 'forward',
        'Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn': 'arn:blue',
        'Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight': '90',
        'Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn': 'arn:green',
        'Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight': '10',
        'Actions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled': 'false',
      }),
    );
    expect(decoded).toEqual({
      RuleArn: 'arn:rule',
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'arn:blue', Weight: '90' },
              { TargetGroupArn: 'arn:green', Weight: '10' },
            ],
            TargetGroupStickinessConfig: { Enabled: 'false' },
          },
        },
      ],
    });
  });

  it('orders members by number, not as text (member.10 after member.2)', () => {
    const params = new URLSearchParams();
    for (const n of [10, 2, 1, 11, 3]) params.append(`RuleArns.member.${n}`, `arn-${n}`);
    expect(decodeQuery(params)).toEqual({ RuleArns: ['arn-1', 'arn-2', 'arn-3', 'arn-10', 'arn-11'] });
  });

  it('keeps an empty list as the empty string the SDKs send, which the ELBv2 input reads as []', () => {
    const decoded = decodeQuery(form({ Action: 'ModifyRule', Conditions: '' }));
    expect(decoded).toEqual({ Conditions: '' });
    expect(list(decoded, 'Conditions')).toEqual([]);
    expect(list({}, 'Conditions')).toEqual([]);
  });

  it('keeps URL-encoded characters of values intact', () => {
    const body = 'Action=CreateRule&Conditions.member.1.Values.member.1=%2Fapi%2F*%3Fx%3D1%26y';
    expect(decodeQuery(new URLSearchParams(body))).toEqual({ Conditions: [{ Values: ['/api/*?x=1&y'] }] });
  });
});

describe('toXml', () => {
  it('writes arrays as <member> lists, booleans and numbers as text, Dates as ISO 8601', () => {
    const xml = toXml({
      Rules: [{ IsDefault: true, Priority: '1', Conditions: [] }],
      Port: 80,
      CreatedTime: new Date('2026-01-01T00:00:00Z'),
    });
    expect(xml).toBe(
      '<Rules><member><IsDefault>true</IsDefault><Priority>1</Priority><Conditions></Conditions></member></Rules>' +
        '<Port>80</Port><CreatedTime>2026-01-01T00:00:00.000Z</CreatedTime>',
    );
  });

  it('leaves out undefined and null members, such as an absent NextMarker', () => {
    expect(toXml({ Rules: [], NextMarker: undefined, Other: null })).toBe('<Rules></Rules>');
  });

  it('escapes XML special characters in text', () => {
    expect(toXml({ MessageBody: '<b>"fish" & chips</b>' })).toBe(
      '<MessageBody>&lt;b&gt;&quot;fish&quot; &amp; chips&lt;/b&gt;</MessageBody>',
    );
  });
});

describe('handleQuery', () => {
  const namespace = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
  const service: LocalService = {
    name: 'elasticloadbalancing',
    operations: {
      DescribeRules: (input) => ({ Rules: [{ RuleArn: input.RuleArns }] }),
      DeleteRule: () => {
        throw new AwsError('RuleNotFound', "Rule 'x' not found");
      },
    },
  };

  it('wraps a result in <ActionResponse><ActionResult> with a request id', async () => {
    const response = await handleQuery(service, namespace, 'Action=DescribeRules&RuleArns.member.1=arn%3Ax');
    expect(response.status).toBe(200);
    expect(response.body).toMatch(
      new RegExp(
        `^<DescribeRulesResponse xmlns="${namespace}"><DescribeRulesResult><Rules><member><RuleArn><member>arn:x</member></RuleArn></member></Rules></DescribeRulesResult><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></DescribeRulesResponse>$`,
      ),
    );
  });

  it('answers an AwsError as an ErrorResponse with its code, status 400 and fault Sender', async () => {
    const response = await handleQuery(service, namespace, 'Action=DeleteRule');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Error><Type>Sender</Type><Code>RuleNotFound</Code>');
    expect(response.body).toContain("<Message>Rule 'x' not found</Message>");
  });

  it('answers an action the service does not have as InvalidAction', async () => {
    const response = await handleQuery(service, namespace, 'Action=DeleteLoadBalancer');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidAction</Code>');
  });
});

describe('reading ELBv2 query input', () => {
  it('reads integers and booleans from their wire strings, and refuses others as ValidationError', () => {
    expect(optionalInteger({ Weight: '999' }, 'Weight', 0, 999)).toBe(999);
    expect(optionalInteger({ Weight: 7 }, 'Weight', 0, 999)).toBe(7);
    expect(optionalInteger({}, 'Weight', 0, 999)).toBeUndefined();
    expect(() => optionalInteger({ Weight: '1000' }, 'Weight', 0, 999)).toThrow(
      expect.objectContaining({ code: 'ValidationError' }),
    );
    expect(() => optionalInteger({ Weight: '1.5' }, 'Weight', 0, 999)).toThrow(/integer from 0 to 999/);
    expect(optionalBoolean({ Enabled: 'true' }, 'Enabled')).toBe(true);
    expect(optionalBoolean({ Enabled: 'false' }, 'Enabled')).toBe(false);
    expect(() => optionalBoolean({ Enabled: 'yes' }, 'Enabled')).toThrow(/true or false/);
  });

  it('pages with an opaque marker until there is no NextMarker', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const first = paginate(items, { PageSize: '2' });
    const second = paginate(items, { PageSize: '2', Marker: first.nextMarker });
    const last = paginate(items, { PageSize: '2', Marker: second.nextMarker });
    expect([first.page, second.page, last.page]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(last.nextMarker).toBeUndefined();
    expect(() => paginate(items, { Marker: 'bogus' })).toThrow(/Marker/);
  });
});
