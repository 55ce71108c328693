// renameIds: the catalog's metric math with its input ids prefixed, nothing else touched.

import { describe, expect, it } from 'vitest';
import { renameIds } from '../../shared/aws/metric-math-ids.js';

const prefixed = (expression: string, ids: string[]) => renameIds(expression, ids, (id) => `m3_${id}`);

describe('renameIds', () => {
  it.each([
    ['each input id', 'errors / requests', ['errors', 'requests'], 'm3_errors / m3_requests'],
    ['whole ids only: m1 inside m10 stays', 'm1 + m10 * m1', ['m1', 'm10'], 'm3_m1 + m3_m10 * m3_m1'],
    ['ids next to operators and brackets', '(m1+m2)/[m1,m2]', ['m1', 'm2'], '(m3_m1+m3_m2)/[m3_m1,m3_m2]'],
    [
      'not the function names',
      'FILL(m1, 0) + MAX([m1, m2])',
      ['m1', 'm2'],
      'FILL(m3_m1, 0) + MAX([m3_m1, m3_m2])',
    ],
    ['an id spelt like a function, in lowercase', 'FILL(fill, REPEAT)', ['fill'], 'FILL(m3_fill, REPEAT)'],
    ['not the keywords', 'FILL(m1, LINEAR)', ['m1'], 'FILL(m3_m1, LINEAR)'],
    ['not an exponent that reads like an id', 'e3 * 1e3 + 2.5E-3', ['e3'], 'm3_e3 * 1e3 + 2.5E-3'],
    [
      'not the insides of strings',
      `IF(m1 > 0, m1) + SEARCH('m1 x', "Sum")`,
      ['m1'],
      `IF(m3_m1 > 0, m3_m1) + SEARCH('m1 x', "Sum")`,
    ],
    ['ids with digits and underscores', 'http_5xx / all_2', ['http_5xx', 'all_2'], 'm3_http_5xx / m3_all_2'],
  ] as [string, string, string[], string][])('renames %s', (_, expression, ids, expected) => {
    expect(prefixed(expression, ids)).toBe(expected);
  });

  it('keeps spacing and line breaks as written', () => {
    expect(prefixed('100 *\n  FILL( errors ,0 )  /  requests', ['errors', 'requests'])).toBe(
      '100 *\n  FILL( m3_errors ,0 )  /  m3_requests',
    );
  });

  it("turns METRICS() into the list of the metric's own inputs", () => {
    expect(prefixed('SUM(METRICS())', ['a', 'b'])).toBe('SUM([m3_a, m3_b])');
  });

  it('filters METRICS("…") by the ids the catalog wrote, as CloudWatch would in a call of its own', () => {
    const ids = ['errors_4xx', 'errors_5xx', 'requests'];
    expect(prefixed('SUM(METRICS("errors")) / requests', ids)).toBe(
      'SUM([m3_errors_4xx, m3_errors_5xx]) / m3_requests',
    );
    expect(prefixed("MAX(METRICS( '5xx' ))", ids)).toBe('MAX([m3_errors_5xx])');
  });

  it('refuses METRICS("…") that matches no input', () => {
    expect(() => prefixed('SUM(METRICS("latency"))', ['errors'])).toThrow(
      'METRICS("latency") matches none of its inputs',
    );
  });

  it('refuses METRICS with an argument that is not a string', () => {
    expect(() => prefixed('SUM(METRICS(m1))', ['m1'])).toThrow('METRICS takes nothing or one string');
  });

  it('refuses an id that is not an input, which could only mean another metric’s query', () => {
    expect(() => prefixed('errors / m0_requests', ['errors', 'requests'])).toThrow(
      /m0_requests is not one of its inputs \(errors, requests\).*check the analysis metrics in the catalog/,
    );
  });

  it('refuses a string that is not closed', () => {
    expect(() => prefixed("SEARCH(\"m1, 'Sum')", ['m1'])).toThrow('the string at position 8 is not closed');
  });
});
