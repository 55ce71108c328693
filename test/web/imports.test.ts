// The dashboard reads the API's own types (shared/api/views.ts) and shares the CLI's words for a
// plan step and for an image's short form (shared/domain/step-words.ts, image-words.ts), and
// nothing else from the server's code reaches its browser bundle: every import of a file outside
// web/src is `import type`, erased at build, but those words, which import nothing at run time
// themselves. The sources' imports are read; the last test shows the check catching a drift (a
// value import of shared/api/views.ts, which would pull node:crypto into the bundle through the
// ledger's schema).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
/** What the browser bundle may import from outside web/src at run time. */
const RUNTIME_SHARED = ['shared/domain/step-words.ts', 'shared/domain/image-words.ts'];

function sources(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const path = relative(ROOT, join(entry.parentPath, entry.name));
    files.set(path, readFileSync(join(ROOT, path), 'utf8'));
  }
  return files;
}

/** Each import and re-export of a source: whether it is type-only, and the file or package it names. */
function importsOf(path: string, text: string): { typeOnly: boolean; target: string }[] {
  const statements = text.matchAll(/^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm);
  return [...statements].map((m) => ({
    typeOnly: m[2] !== undefined,
    target: m[3]!.startsWith('.') ? normalize(join(dirname(path), m[3]!)).replace(/\.js$/, '.ts') : m[3]!,
  }));
}

function problems(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    for (const { typeOnly, target } of importsOf(file, text)) {
      if (typeOnly || target.startsWith('web/src/') || !target.includes('/')) continue;
      if (target.startsWith('node:')) found.push(`${file} imports ${target}`);
      else if (target.startsWith('shared/') && !RUNTIME_SHARED.includes(target))
        found.push(`${file} imports ${target} at run time: import type only`);
    }
  }
  for (const shared of RUNTIME_SHARED)
    for (const { typeOnly, target } of importsOf(shared, readFileSync(join(ROOT, shared), 'utf8')))
      if (!typeOnly) found.push(`${shared} imports ${target} at run time, and the dashboard bundles it`);
  return found;
}

describe("the dashboard's imports", () => {
  const files = sources('web/src');

  it('reads the view types from shared/api/views.ts', () => {
    const views = [...files].filter(([file, text]) =>
      importsOf(file, text).some((i) => i.typeOnly && i.target === 'shared/api/views.ts'),
    );
    expect(views.length).toBeGreaterThan(5);
    expect(files.has('web/src/types.ts')).toBe(false);
  });

  it('take nothing from the server at run time but the step words, which import nothing', () => {
    expect(problems(files)).toEqual([]);
  });

  it('the check catches a value import of the views', () => {
    const drifted = new Map(files);
    const page = 'web/src/pages/deployment.tsx';
    drifted.set(page, `import { deploymentView } from '../../../shared/api/views.js';\n${files.get(page)!}`);
    expect(problems(drifted)).toEqual([`${page} imports shared/api/views.ts at run time: import type only`]);
  });
});
