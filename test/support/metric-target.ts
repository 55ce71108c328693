// A target group and listener whose metrics the CloudWatch adapter tests ask for, and the
// minute their time starts at.

const ELB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012';

export const TARGET = {
  targetGroupArn: `${ELB}:targetgroup/web-a/0123456789abcdef`,
  listenerArn: `${ELB}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`,
};
export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const MINUTE = 60_000;
