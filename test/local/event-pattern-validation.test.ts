// EventBridge event patterns that EventBridge refuses: validatePattern gives EventBridge's
// message for each and says where the problem is, and accepts every operator in its documented forms.

import { describe, expect, it } from 'vitest';
import { validatePattern } from '../../local/aws/event-pattern.js';

describe('validatePattern', () => {
  it.each<[string, unknown, string]>([
    ['a pattern that is not an object', ['aws.ec2'], 'Filter is not an object'],
    ['an empty pattern', {}, 'Empty objects are not allowed'],
    ['an empty array', { source: [] }, 'Empty arrays are not allowed'],
    ['a bare value', { source: 'aws.ec2' }, '"source" must be an object or an array'],
    [
      'an array in an array',
      { source: [['aws.ec2']] },
      'Match value must be String, number, true, false, or null',
    ],
    ['an unknown operator', { source: [{ prefx: 'aws.' }] }, 'Unrecognized match type prefx'],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed'],
    ['a prefix that is not a string', { source: [{ prefix: 5 }] }, 'prefix match pattern must be a string'],
    [
      'prefix with another operator',
      { source: [{ prefix: { wildcard: 'a' } }] },
      'Unsupported prefix pattern',
    ],
    [
      'an unknown numeric operator',
      { n: [{ numeric: ['=<', 5] }] },
      'Unrecognized numeric range operator: =<',
    ],
    ['a numeric bound that is text', { n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    ['numeric that is not an array', { n: [{ numeric: 5 }] }, 'Value of numeric must be an array.'],
    ['an upper bound given first', { n: [{ numeric: ['<', 5, '>', 1] }] }, 'Too many elements'],
    ['a bad upper operator', { n: [{ numeric: ['>', 1, '>', 5] }] }, 'Bad numeric range operator: >'],
    ['an empty range', { n: [{ numeric: ['>', 5, '<', 1] }] }, 'Bottom must be less than top'],
    ['a number out of range', { n: [{ numeric: ['>', 6e9] }] }, 'between -5.0E9 and 5.0E9'],
    ['exists that is not a boolean', { n: [{ exists: 'true' }] }, 'either true or false'],
    ['consecutive wildcards', { f: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 1'],
    ['a bad escape in a wildcard', { f: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1'],
    ['a CIDR without a mask', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    ['a CIDR that is not an address', { ip: [{ cidr: '10.0.0.300/24' }] }, 'Invalid IP address'],
    ['a mixed anything-but list', { s: [{ 'anything-but': ['a', 1] }] }, 'mixed types are not supported'],
    [
      'anything-but null',
      { s: [{ 'anything-but': null }] },
      'must be an array or single string/number value',
    ],
    [
      'anything-but numeric',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern',
    ],
    [
      'anything-but an empty prefix',
      { s: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    ['$or with one branch', { $or: [{ a: ['x'] }] }, '$or needs at least 2 objects'],
    ['$or that is not an array', { $or: { a: ['x'] } }, '$or must be followed by an array'],
    ['an operator name inside $or', { $or: [{ prefix: ['x'] }, { a: ['y'] }] }, 'operator name'],
  ])('refuses %s', (_, pattern, message) => {
    const problems = validatePattern(pattern);
    expect(problems.map((p) => p.message).join('\n')).toContain(message);
  });

  it('says where the problem is', () => {
    expect(validatePattern({ detail: { state: [{ prefx: 'a' }] } })).toEqual([
      { path: 'detail.state[0]', message: 'Unrecognized match type prefx' },
    ]);
  });

  it('accepts every operator in its documented forms', () => {
    const pattern = {
      a: ['x', 1, true, null],
      b: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'x' } }, { suffix: 'x' }],
      c: [{ suffix: { 'equals-ignore-case': 'x' } }, { 'equals-ignore-case': 'x' }, { wildcard: 'x*\\*' }],
      d: [
        { 'anything-but': 'x' },
        { 'anything-but': 1 },
        { 'anything-but': ['x', 'y'] },
        { 'anything-but': [1, 2] },
      ],
      e: [{ 'anything-but': { prefix: 'x' } }, { 'anything-but': { suffix: 'x' } }],
      f: [{ 'anything-but': { 'equals-ignore-case': ['x'] } }, { 'anything-but': { wildcard: '*x*' } }],
      g: [{ numeric: ['=', 1] }, { numeric: ['>=', 1, '<', 2] }, { numeric: ['<=', -5e9] }],
      h: [{ exists: true }, { exists: false }, { cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/64' }],
      $or: [{ i: ['x'] }, { j: { k: ['y'] } }],
    };
    expect(validatePattern(pattern)).toEqual([]);
  });
});
