// What zod costs a Lambda: every function bundled as it is packaged (bench/bundle-build.ts) holds
// zod/mini's core and its English messages, and nothing else of zod: not the classic API, not
// another language, not the JSON Schema code. Each of those is hundreds of kB in every bundle,
// and comes back quietly when a module imports `{ z } from 'zod'` or 'zod/mini' instead of
// `* as z` from shared/domain/zod.ts, or uses `z.core` or `z.locales` as a value.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { readPackaging } from '../../bench/bundle-build.js';

/** The zod modules with code in one bundle, by path inside the zod package. */
async function zodInBundles(): Promise<Map<string, string[]>> {
  const packaging = readPackaging();
  const result = await build({
    ...packaging.options,
    absWorkingDir: fileURLToPath(new URL('../../', import.meta.url)),
    entryPoints: Object.fromEntries(packaging.functions.map((fn) => [fn.name, fn.entry])),
    outdir: 'functions-out',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const modules = new Map<string, string[]>();
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint === undefined) continue;
    const zod = Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => /node_modules\/zod\/(.+)$/.exec(input)?.[1])
      .filter((path) => path !== undefined);
    modules.set(output.entryPoint, zod);
  }
  return modules;
}

describe('zod in the Lambda bundles', () => {
  it('is zod/mini with the English locale alone, in every function', async () => {
    const bundles = await zodInBundles();
    expect(bundles.size).toBe(readPackaging().functions.length);
    for (const [entry, modules] of bundles) {
      const extra = modules.filter(
        (m) =>
          m.includes('/classic/') ||
          (m.includes('/locales/') && !m.endsWith('/locales/en.js')) ||
          m.includes('json-schema'),
      );
      expect({ entry, extra }).toEqual({ entry, extra: [] });
      expect({ entry, en: modules.includes('v4/locales/en.js') }).toEqual({ entry, en: true });
    }
  });
});
