// EventBridge event patterns, operator by operator (exact values, prefix and suffix,
// equals-ignore-case and wildcard, anything-but, numeric, exists, cidr, $or), with the examples
// of the EventBridge user guide's pattern pages (cited in local/aws/event-pattern.ts).

import { describe, expect, it } from 'vitest';
import { matches, validatePattern, type EventPattern } from '../../local/aws/event-pattern.js';

/** The guide's EC2 example event, with the detail fields its content-filtering examples use. */
const ec2 = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** The event, with `detail` changed. */
function withDetail(detail: Record<string, unknown>) {
  return { ...ec2, detail };
}

/** Asserts the pattern is valid before matching, so a typo in a test cannot pass as "no match". */
function match(pattern: EventPattern, event: unknown): boolean {
  expect(validatePattern(pattern)).toEqual([]);
  return matches(pattern, event);
}

describe('exact values', () => {
  it('matches when every field named in the pattern has one of its values', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(match(pattern, withDetail({ state: 'terminated' }))).toBe(true);
    expect(match(pattern, withDetail({ state: 'running' }))).toBe(false);
    expect(match(pattern, { ...ec2, source: 'aws.fargate', detail: { state: 'terminated' } })).toBe(false);
  });

  it('treats the values of a field as alternatives', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(match(pattern, { ...ec2, source: 'aws.fargate' })).toBe(true);
    expect(match(pattern, { ...ec2, source: 'aws.ecs' })).toBe(false);
  });

  it('ignores fields the pattern does not name, but needs the ones it does', () => {
    expect(match({ detail: { state: ['running'] } }, ec2)).toBe(true);
    expect(match({ detail: { reason: ['running'] } }, ec2)).toBe(false);
    expect(match({ detail: { state: ['running'] } }, { source: 'aws.ec2' })).toBe(false);
  });

  it('matches an event array when it shares any value with the pattern array', () => {
    // The guide's arrays example: the pattern's first ARN is the event's second resource.
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(match(pattern, event)).toBe(true);
    expect(match(pattern, { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-00000000'] })).toBe(
      false,
    );
    expect(match(pattern, { resources: [] })).toBe(false);
  });

  it('matches null and the empty string, which are not interchangeable', () => {
    const event = withDetail({ eventVersion: '', responseElements: null });
    expect(match({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(match({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(match({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(match({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('compares numbers as numbers and booleans as booleans, never as their text', () => {
    expect(match({ detail: { 'c-count': [5] } }, ec2)).toBe(true);
    expect(match({ detail: { 'x-limit': [3.018e2] } }, ec2)).toBe(true);
    expect(match({ detail: { 'c-count': ['5'] } }, ec2)).toBe(false);
    expect(match({ detail: { ok: [true] } }, withDetail({ ok: true }))).toBe(true);
    expect(match({ detail: { ok: [true] } }, withDetail({ ok: 'true' }))).toBe(false);
  });

  it('matches nested fields only at the same nesting', () => {
    const pattern = { detail: { state: { value: ['ALARM'] } } };
    expect(match(pattern, withDetail({ state: { value: 'ALARM' } }))).toBe(true);
    expect(match(pattern, withDetail({ value: 'ALARM' }))).toBe(false);
    expect(match(pattern, withDetail({ state: 'ALARM' }))).toBe(false);
  });

  it('matches fields of an array of objects within one element', () => {
    const event = withDetail({
      containers: [
        { name: 'app', exitCode: 1 },
        { name: 'sidecar', exitCode: 0 },
      ],
    });
    expect(match({ detail: { containers: { name: ['app'], exitCode: [1] } } }, event)).toBe(true);
    expect(match({ detail: { containers: { name: ['app'], exitCode: [0] } } }, event)).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('prefix matches the start of a string', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };
    expect(match(pattern, ec2)).toBe(true);
    expect(match(pattern, { ...ec2, time: '2017-10-03T00:00:00Z' })).toBe(false);
    expect(match({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2)).toBe(false);
  });

  it('prefix with equals-ignore-case ignores the case of the start', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(match(pattern, withDetail({ service: 'eventbridge' }))).toBe(true);
    expect(match(pattern, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(match(pattern, withDetail({ service: 'lambda' }))).toBe(false);
  });

  it('suffix matches the end of a string, with or without case', () => {
    expect(match({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(match({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    const ignoringCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(match(ignoringCase, withDetail({ FileName: 'image.PNG' }))).toBe(true);
    expect(match(ignoringCase, withDetail({ FileName: 'image.jpg' }))).toBe(false);
  });
});

describe('equals-ignore-case and wildcard', () => {
  it('equals-ignore-case matches a whole string in any case', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(match(pattern, { Name: 'Alice' })).toBe(true);
    expect(match(pattern, { Name: 'ALICE' })).toBe(true);
    expect(match(pattern, { Name: 'Alicia' })).toBe(false);
  });

  it('wildcard: * matches any run of characters, \\* a literal asterisk', () => {
    const pattern = { FilePath: [{ wildcard: 'dir/*.png' }] };
    expect(match(pattern, { FilePath: 'dir/image.png' })).toBe(true);
    expect(match(pattern, { FilePath: 'dir/sub/image.png' })).toBe(true);
    expect(match(pattern, { FilePath: 'other/image.png' })).toBe(false);
    expect(match({ title: [{ wildcard: '*Title*' }] }, { title: 'A Title here' })).toBe(true);
    expect(match({ title: [{ wildcard: 'a\\*b' }] }, { title: 'a*b' })).toBe(true);
    expect(match({ title: [{ wildcard: 'a\\*b' }] }, { title: 'axb' })).toBe(false);
    expect(match({ title: [{ wildcard: 'a.c' }] }, { title: 'abc' })).toBe(false);
  });
});

describe('anything-but', () => {
  it('matches any value except a string, a number, or a list of either', () => {
    const state = (value: unknown) => withDetail({ ...ec2.detail, state: value });
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('running'))).toBe(true);
    expect(match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, state('initializing'))).toBe(
      false,
    );
    expect(match({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2)).toBe(true);
    expect(match({ detail: { 'x-limit': [{ 'anything-but': 301.8 }] } }, ec2)).toBe(false);
    const list = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(match(list, state('running'))).toBe(true);
    expect(match(list, state('overloaded'))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(match(numbers, ec2)).toBe(true);
    expect(match(numbers, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('needs the field to be there', () => {
    expect(match({ detail: { color: [{ 'anything-but': 'red' }] } }, ec2)).toBe(false);
  });

  it('matches an event array holding any value not excluded', () => {
    const pattern = { price: [{ 'anything-but': [100, 500] }] };
    expect(match(pattern, { price: [100, 50] })).toBe(true);
    expect(match(pattern, { price: [100, 500] })).toBe(false);
  });

  it('combines with prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(match({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'eu-west-1' })).toBe(true);
    expect(match({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, { Region: 'us-east-1' })).toBe(false);
    expect(match({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' })).toBe(true);
    expect(match({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' })).toBe(false);
    const ignoringCase = {
      state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }],
    };
    expect(match(ignoringCase, { state: 'running' })).toBe(true);
    expect(match(ignoringCase, { state: 'INITIALIZING' })).toBe(false);
    const wildcard = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(match(wildcard, { FilePath: 'src/app/main.ts' })).toBe(true);
    expect(match(wildcard, { FilePath: 'src/lib/util.ts' })).toBe(false);
  });
});

describe('numeric', () => {
  it('matches JSON numbers within every bound given', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(match(pattern, ec2)).toBe(true);
    expect(match(pattern, withDetail({ ...ec2.detail, 'c-count': 6 }))).toBe(false);
    expect(match(pattern, withDetail({ ...ec2.detail, 'c-count': 0 }))).toBe(false);
    expect(match(pattern, withDetail({ ...ec2.detail, 'd-count': 10 }))).toBe(false);
    expect(match(pattern, withDetail({ ...ec2.detail, 'c-count': '5' }))).toBe(false);
  });

  it('has inclusive and exclusive bounds', () => {
    expect(match({ n: [{ numeric: ['>=', 10] }] }, { n: 10 })).toBe(true);
    expect(match({ n: [{ numeric: ['>', 10] }] }, { n: 10 })).toBe(false);
    expect(match({ n: [{ numeric: ['>', 10, '<', 20] }] }, { n: 20 })).toBe(false);
    expect(match({ n: [{ numeric: ['>', 10, '<=', 20] }] }, { n: 20 })).toBe(true);
  });
});

describe('exists', () => {
  it('exists: true needs the leaf field; exists: false needs it absent', () => {
    expect(match({ detail: { state: [{ exists: true }] } }, ec2)).toBe(true);
    expect(match({ detail: { color: [{ exists: true }] } }, ec2)).toBe(false);
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, withDetail({ state: 'running' }))).toBe(
      true,
    );
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, ec2)).toBe(false);
  });

  it('works on leaf nodes only: an object-valued field does not "exist"', () => {
    // The guide's example: detail.c-count is an object, so exists: false matches.
    const event = withDetail({ state: 'running', 'c-count': { c1: 100 } });
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
  });

  it('exists: false matches when a parent is missing too, and null is a value that exists', () => {
    expect(match({ detail: { 'c-count': [{ exists: false }] } }, { source: 'aws.ec2' })).toBe(true);
    expect(match({ detail: { 'c-count': [{ exists: true }] } }, withDetail({ 'c-count': null }))).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses inside the block', () => {
    const pattern = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
    expect(match(pattern, ec2)).toBe(true);
    expect(match(pattern, withDetail({ 'source-ip': '10.0.1.33' }))).toBe(false);
    expect(match(pattern, withDetail({ 'source-ip': 'not an address' }))).toBe(false);
    const v6 = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(match(v6, { ip: '2001:db8:0:0:1::1' })).toBe(true);
    expect(match(v6, { ip: '2001:db9::1' })).toBe(false);
    expect(match(v6, { ip: '10.0.0.1' })).toBe(false);
  });

  it('matches an IP address however it is written', () => {
    expect(match({ ip: ['::1'] }, { ip: '0:0:0:0:0:0:0:1' })).toBe(true);
    expect(match({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any of its patterns does, ANDed with the fields beside it', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(match(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(match(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(match(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/RDS' })).toBe(false);
    expect(match(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('nests, and works inside nested fields', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
      detail: { $or: [{ state: ['ALARM'] }, { severity: [{ numeric: ['>', 3] }] }] },
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 };
    expect(match(pattern, { ...base, detail: { severity: 4 } })).toBe(true);
    expect(match(pattern, { ...base, detail: { state: 'OK', severity: 1 } })).toBe(false);
    expect(match(pattern, { ...base, spaceId: 1, detail: { state: 'ALARM' } })).toBe(false);
  });
});

describe('the guide’s complex example', () => {
  it('combines prefix, anything-but and numeric', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    expect(match(pattern, ec2)).toBe(true);
    expect(match(pattern, withDetail({ ...ec2.detail, 'x-limit': 300 }))).toBe(false);
  });
});
