// Which listener rule a request meets on the local load balancer, as ALB decides it, and ALB's
// quotas on a rule's conditions (values and wildcards).

import { describe, expect, it } from 'vitest';
import { ruleMatches } from '../../local/aws/elbv2-conditions.js';
import { parseConditions } from '../../local/aws/elbv2-actions.js';
import { routeCondition } from '../../shared/domain/header-step.js';

const path = (...values: string[]) => ({ Field: 'path-pattern', PathPatternConfig: { Values: values } });
const cookie = routeCondition({ cookie: 'canary', value: 'always', seconds: 60, rulePriority: 5 });

describe('ruleMatches', () => {
  it.each([
    ['canary=always', true],
    ['canary=always; theme=dark', true],
    ['session=1; canary=always', true],
    ['session=1; canary=always; theme=dark', true],
    ['CANARY=ALWAYS', true],
    ['notcanary=always', false],
    ['canary=alwaysnot', false],
    ['session=1; canary=never', false],
  ])('the cookie condition, with Cookie: %s → %s', (header, expected) => {
    expect(ruleMatches([path('/shop/*'), cookie], { path: '/shop/', headers: { cookie: header } })).toBe(
      expected,
    );
  });

  it('needs every condition, any of its values; paths match case-sensitively, headers not', () => {
    const header = {
      Field: 'http-header',
      HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['yes', 'a?c'] },
    };
    const rule = [path('/shop/*', '/store/*'), header];
    expect(ruleMatches(rule, { path: '/store/cart', headers: { 'x-canary': 'ABC' } })).toBe(true);
    expect(ruleMatches(rule, { path: '/Shop/cart', headers: { 'x-canary': 'yes' } })).toBe(false);
    expect(ruleMatches(rule, { path: '/shop/cart', headers: {} })).toBe(false);
    expect(ruleMatches(rule, { path: '/shop/cart?x=1', headers: { 'x-canary': 'YES' } })).toBe(true);
  });

  it('reads query strings, methods and hosts; no simulated request has a source IP', () => {
    const query = { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'beta', Value: 'on' }] } };
    expect(ruleMatches([query], { path: '/x?beta=on' })).toBe(true);
    expect(ruleMatches([query], { path: '/x?beta=off' })).toBe(false);
    const method = { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } };
    expect(ruleMatches([method], { path: '/', method: 'GET' })).toBe(false);
    const host = { Field: 'host-header', HostHeaderConfig: { Values: ['*.example.com'] } };
    expect(ruleMatches([host], { path: '/', host: 'shop.EXAMPLE.com' })).toBe(true);
    const source = { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } };
    expect(ruleMatches([source], { path: '/' })).toBe(false);
  });
});

describe("a rule's conditions on the local load balancer", () => {
  it("hold to ALB's quotas: at most 5 values and 5 wildcards in all", () => {
    const conditions = (values: string[]) => ({
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A', Values: values } }],
    });
    expect(() => parseConditions({ Conditions: [path('/shop/*'), cookie] }, 'Conditions')).not.toThrow();
    expect(() => parseConditions(conditions(['a', 'b', 'c', 'd', 'e', 'f']), 'Conditions')).toThrow(
      'a rule can have at most 5 condition values, not 6',
    );
    expect(() => parseConditions({ Conditions: [path('/shop/*?'), cookie] }, 'Conditions')).toThrow(
      'a rule can have at most 5 wildcards in its conditions, not 6',
    );
  });
});
