// The catalog in a Lambda bundle (cli/lambda-bundle-plugins.cjs, through serverless.yml's
// esbuild settings as bench/bundle-build.ts reads them): the catalog the CLI reads, validated at
// packaging, as JSON, with no YAML parser and no catalog schema bundled; a catalog the CLI
// refuses fails the build instead.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackaging } from '../../bench/bundle-build.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';

const EXAMPLE = new URL('../../examples/catalog.yml', import.meta.url);
const workDir = mkdtempSync(join(tmpdir(), 'cutover-catalog-plugin-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Bundles the catalog loader (shared/runtime/catalog.ts) with the given catalog, as packaging does. */
async function bundleLoader(name: string, catalogFile: string) {
  const { options } = readPackaging(catalogFile);
  const outfile = join(workDir, `${name}.mjs`);
  const result = await build({
    ...options,
    entryPoints: [new URL('../../shared/runtime/catalog.ts', import.meta.url).pathname],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { outfile, inputs: Object.keys(result.metafile.inputs) };
}

function catalogWith(name: string, change: (text: string) => string): string {
  const file = join(workDir, `${name}.yml`);
  writeFileSync(file, change(readFileSync(EXAMPLE, 'utf8')));
  return file;
}

describe('the catalog in a Lambda bundle', () => {
  it('is the catalog the CLI reads, validated at packaging, with no YAML parser or catalog schema bundled', async () => {
    const file = join(workDir, 'catalog.yml');
    copyFileSync(EXAMPLE, file);
    const { outfile, inputs } = await bundleLoader('valid', file);
    expect(inputs.filter((input) => /node_modules\/yaml\/|catalog-schema|catalog-rules/.test(input))).toEqual(
      [],
    );

    const { loadCatalog } = (await import(pathToFileURL(outfile).href)) as {
      loadCatalog: (path: string) => unknown;
    };
    // The file is not read at load: it is in the bundle.
    rmSync(file);
    expect(loadCatalog(file)).toEqual(parseCatalog(readFileSync(EXAMPLE, 'utf8')));
  });

  it('fails the build on a YAML error, at its line and column', async () => {
    const file = catalogWith('duplicate-key', (text) =>
      text.replace('services:\n', 'services:\n  web: {}\n'),
    );
    await expect(bundleLoader('duplicate-key', file)).rejects.toThrow(
      /cannot package .*duplicate-key\.yml: the catalog has 1 problem:\nline \d+, column \d+: Map keys must be unique/,
    );
  });

  it('fails the build on a catalog the schema refuses, naming the field', async () => {
    const file = catalogWith('unknown-field', (text) =>
      text.replace('    ecs:\n', '    ecss: {}\n    ecs:\n'),
    );
    await expect(bundleLoader('unknown-field', file)).rejects.toThrow(
      /cannot package .*unknown-field\.yml: the catalog has 1 problem:\nservices\.web: unknown field "ecss"/,
    );
  });

  it('fails the build on a webhook only the local cloud can call: http to localhost', async () => {
    const connection =
      'arn:aws:events:us-east-1:123456789012:connection/smoke/6f1e2d3c-aaaa-4bbb-8ccc-0123456789ab';
    const file = catalogWith('local-webhook', (text) =>
      text.replace(
        '      BeforeAllowTraffic: web-smoke-test\n',
        `      BeforeAllowTraffic: { url: 'http://localhost:8080/smoke', connection: '${connection}' }\n`,
      ),
    );
    await expect(bundleLoader('local-webhook', file)).rejects.toThrow(
      /cannot package .*local-webhook\.yml: the catalog has 1 problem:\nservices\.web\.hooks\.BeforeAllowTraffic\.url: is http to localhost, which only the local cloud can call/,
    );
  });
});
