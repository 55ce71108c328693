import { describe, expect, it } from 'vitest';
import {
  elbDimensions,
  loadBalancerDimension,
  targetGroupDimension,
} from '../../shared/domain/elb-dimensions.js';

const ELB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012';
const TARGET_GROUP = `${ELB}:targetgroup/web-a/0123456789abcdef`;
const LISTENER = `${ELB}:listener/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE = `${ELB}:listener-rule/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;

describe('targetGroupDimension', () => {
  it('is the ARN from targetgroup/ on', () => {
    expect(targetGroupDimension(TARGET_GROUP)).toBe('targetgroup/web-a/0123456789abcdef');
  });

  it('works in other partitions', () => {
    const arn = 'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/web/73e2d6bc24d8a067';
    expect(targetGroupDimension(arn)).toBe('targetgroup/web/73e2d6bc24d8a067');
  });

  it.each([
    ['a listener ARN', LISTENER],
    ['a load balancer ARN', `${ELB}:loadbalancer/app/web-lb/50dc6c495c0c9188`],
    ['a bare dimension', 'targetgroup/web-a/0123456789abcdef'],
    ['a target group ARN with something after the id', `${TARGET_GROUP}/extra`],
    ['an empty string', ''],
  ])('refuses %s, saying what it wanted', (_, arn) => {
    expect(() => targetGroupDimension(arn)).toThrow(/is not a target group ARN .*targetgroup\/<name>\/<id>/);
  });
});

describe('loadBalancerDimension', () => {
  it('is app/<name>/<id> of a listener ARN', () => {
    expect(loadBalancerDimension(LISTENER)).toBe('app/web-lb/50dc6c495c0c9188');
  });

  it('is app/<name>/<id> of a listener rule ARN', () => {
    expect(loadBalancerDimension(RULE)).toBe('app/web-lb/50dc6c495c0c9188');
  });

  it.each([
    ['a Network Load Balancer listener', `${ELB}:listener/net/web-nlb/50dc6c495c0c9188/f2f7dc8efc522ab2`],
    ['a target group ARN', TARGET_GROUP],
    ['a load balancer ARN', `${ELB}:loadbalancer/app/web-lb/50dc6c495c0c9188`],
    ['a listener ARN without its listener id', `${ELB}:listener/app/web-lb/50dc6c495c0c9188`],
    ['a rule ARN without its rule id', `${ELB}:listener-rule/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2`],
    ['another service', 'arn:aws:ecs:eu-west-1:123456789012:service/cluster/web'],
  ])('refuses %s, saying what it wanted', (_, arn) => {
    expect(() => loadBalancerDimension(arn)).toThrow(
      /is not the ARN of an Application Load Balancer's listener .* or listener rule/,
    );
  });
});

describe('elbDimensions', () => {
  it('gives both dimensions of a target group behind a listener rule', () => {
    expect(elbDimensions({ targetGroupArn: TARGET_GROUP, listenerArn: RULE })).toEqual({
      TargetGroup: 'targetgroup/web-a/0123456789abcdef',
      LoadBalancer: 'app/web-lb/50dc6c495c0c9188',
    });
  });

  it('names the ARN it could not use', () => {
    expect(() => elbDimensions({ targetGroupArn: TARGET_GROUP, listenerArn: 'listener-7' })).toThrow(
      '"listener-7" is not the ARN',
    );
  });
});
