// state.json's text made in pieces (local/json-pieces.ts): the same value JSON.stringify gives,
// what may change turned into text at once, and written in chunks of about the size asked for.

import { describe, expect, it } from 'vitest';
import { arrayPieces, chunks, JsonText, membersText, objectText } from '../../local/json-pieces.js';

const text = (json: JsonText) => [...json.pieces()].join('');

describe('JSON text in pieces', () => {
  it('parses to what JSON.stringify gives, leaving out what it leaves out', () => {
    const value = {
      version: 1,
      when: new Date(0),
      name: 'quote " and \\ and \n',
      gone: undefined,
      fn: () => 1,
      nested: { list: [1, null, 'two'], empty: {} },
      made: JsonText.of('{"a":[1,2]}'),
      later: JsonText.later(() => arrayPieces([{ b: 1 }, { b: 2 }], (item) => [JSON.stringify(item)])),
    };
    expect(JSON.parse(text(objectText(value)))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(JSON.parse(text(objectText(value)))).toEqual({
      version: 1,
      when: '1970-01-01T00:00:00.000Z',
      name: 'quote " and \\ and \n',
      nested: { list: [1, null, 'two'], empty: {} },
      made: { a: [1, 2] },
      later: [{ b: 1 }, { b: 2 }],
    });
    expect(text(objectText({}))).toBe('{}');
    expect([...arrayPieces([], () => ['x'])].join('')).toBe('[]');
  });

  it('turns what may change into text at once: a later change does not reach it', () => {
    const live = { tasks: ['a'] };
    const members = membersText({ live });
    live.tasks.push('b');
    expect(JSON.parse(text(objectText(members)))).toEqual({ live: { tasks: ['a'] } });
  });

  it('makes a later part only as it is written, and joins pieces into chunks of at least the size', () => {
    let made = 0;
    const pieces = function* () {
      for (let i = 0; i < 10; i++) {
        made += 1;
        yield 'x'.repeat(300);
      }
    };
    const written = chunks(objectText({ data: JsonText.later(pieces) }).pieces(), 1000);
    expect(made).toBe(0);
    const all = [...written];
    expect(made).toBe(10);
    expect(all.slice(0, -1).every((chunk) => chunk.length >= 1000 && chunk.length < 1300)).toBe(true);
    expect(all.join('')).toBe(`{"data":${'x'.repeat(3000)}}`);
  });
});
