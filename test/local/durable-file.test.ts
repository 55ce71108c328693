// Writing a data-folder file durably, on this thread and off it: the result is the same file,
// owner-only, with no temporary file left, whatever a crash left behind before.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDurably, writeDurablyInBackground } from '../../local/durable-file.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'durable-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe.each([
  ['on this thread', (path: string, data: string) => Promise.resolve(writeDurably(path, data)), 'tmp'],
  ['off this thread', writeDurablyInBackground, 'background.tmp'],
  [
    'in pieces, on this thread',
    (path: string, data: string) => Promise.resolve(writeDurably(path, [...data])),
    'tmp',
  ],
  [
    'in pieces, off this thread',
    (path: string, data: string) => writeDurablyInBackground(path, [...data]),
    'background.tmp',
  ],
])('writing durably %s', (_, write, temporary) => {
  it('replaces the file whole, readable by its owner alone, and leaves no temporary file', async () => {
    const path = join(folder, 'state.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    await write(path, '{"new":true}');
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['state.json']);
  });

  it('writes over a temporary file a crash left behind, even one others could read', async () => {
    const path = join(folder, 'state.json');
    writeFileSync(`${path}.${temporary}`, 'half a state', { mode: 0o644 });
    await write(path, 'whole');
    expect(readFileSync(path, 'utf8')).toBe('whole');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['state.json']);
  });
});

describe('writing durably off this thread', () => {
  it('leaves the thread free while a big file is written: a timer set before it runs before it ends', async () => {
    const path = join(folder, 'state.json');
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    await writeDurablyInBackground(path, 'x'.repeat(32 * 1024 * 1024)).then(() => order.push('written'));
    expect(order).toEqual(['timer', 'written']);
  });

  it('is dropped, and its temporary file removed, when a newer write on this thread supersedes it', async () => {
    const path = join(folder, 'state.json');
    let superseded = false;
    const background = writeDurablyInBackground(path, 'o'.repeat(32 * 1024 * 1024), () => !superseded);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the background write under way
    superseded = true;
    writeDurably(path, 'newer');
    await expect(background).resolves.toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('newer');
    expect(readdirSync(folder)).toEqual(['state.json']);
  });

  it('in pieces, makes no more once a newer write supersedes it, and is dropped', async () => {
    const path = join(folder, 'state.json');
    let superseded = false;
    let made = 0;
    const pieces = function* () {
      for (;;) {
        made += 1;
        yield 'o'.repeat(1 << 20);
      }
    };
    const background = writeDurablyInBackground(path, pieces(), () => !superseded);
    await new Promise((resolve) => setTimeout(resolve, 0));
    superseded = true;
    writeDurably(path, 'newer');
    await expect(background).resolves.toBe(false);
    expect(made).toBeLessThan(5);
    expect(readFileSync(path, 'utf8')).toBe('newer');
    expect(readdirSync(folder)).toEqual(['state.json']);
  });

  it('rejects, naming the error, when the folder is gone', async () => {
    await expect(writeDurablyInBackground(join(folder, 'missing', 'state.json'), 'x')).rejects.toThrow(
      /ENOENT/,
    );
  });
});
