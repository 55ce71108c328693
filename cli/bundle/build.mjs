// Builds the CLI into one prebuilt bundle with esbuild, so `cutover` starts without compiling
// TypeScript. `npm ci` runs this (the `prepare` script); cli/cutover.mjs runs it again when a
// source changed. `node cli/bundle/build.mjs` builds unless the bundle is current.
//
// Each command is its own chunk (cli/command-list.ts imports them lazily), so a command loads
// only what it uses. A build is written to a temporary folder and renamed into place, then
// the manifest is renamed over the old one: two CLIs building at once each leave a whole build,
// and a reader sees either the old manifest or the new, never half of one.

import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  bundleDir,
  ENTRY_FILE,
  freshEntry,
  isEsbuildMissing,
  MANIFEST_VERSION,
  readManifest,
  ROOT,
  stampOf,
} from './manifest.mjs';

/**
 * Left out of the bundle: the local cloud loads its Lambda handlers from their TypeScript
 * sources, so `cutover local start` always runs from the sources (cli/cutover.mjs sees to it).
 */
const SOURCE_ONLY = new Set(['cli/local-runner.ts']);
/** Builds neither current nor previous are removed once this old (a CLI may still be loading one). */
const PRUNE_AFTER_MS = 60_000;
/** Bundled CommonJS packages call require() for Node's own modules; ESM has none, so give them one. */
const REQUIRE_BANNER =
  "import { createRequire as __cutoverRequire } from 'node:module';\n" +
  'const require = __cutoverRequire(import.meta.url);';

/** Builds the bundle into `dir` and returns its entry's file URL. Throws if esbuild is missing or the build fails. */
export async function buildBundle(folder = bundleDir()) {
  const esbuild = await import('esbuild');
  mkdirSync(folder, { recursive: true });
  // Its real path: the paths from a build to the sources must be those Node sees at run time.
  const dir = realpathSync(folder);
  // Each file is stamped before it is read: one changed while the build runs no longer matches.
  const stamps = new Map(FIXED_INPUTS.map((path) => [path, stampOf(join(ROOT, path))]));
  // Every build folder is one level below `dir`, so a placeholder stands for the real one.
  const outdir = join(dir, 'build');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'cli/main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
    banner: { js: REQUIRE_BANNER },
    plugins: [noLazyPackages(), sourceOnly(), zodInEnglishOnly(), repositoryFiles(outdir, stamps)],
  });
  const files = result.outputFiles.map((file) => ({
    name: relative(outdir, file.path),
    contents: file.contents,
  }));
  const build = buildId(files);
  const previous = readManifest(dir)?.build;
  placeBuild(dir, build, files);
  const manifest = { version: MANIFEST_VERSION, build, inputs: inputStamps(result.metafile, stamps) };
  const temporary = join(dir, `.manifest-${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, join(dir, 'manifest.json'));
  prune(dir, new Set([build, previous]));
  return pathToFileURL(join(dir, build, ENTRY_FILE)).href;
}

function buildId(files) {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name)))
    hash.update(file.name).update('\0').update(file.contents).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Writes the files to a temporary folder, then renames it to `dir/<build>`, unless an identical build is there. */
function placeBuild(dir, build, files) {
  const temporary = join(dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  for (const file of files) {
    mkdirSync(dirname(join(temporary, file.name)), { recursive: true });
    writeFileSync(join(temporary, file.name), file.contents);
  }
  try {
    renameSync(temporary, join(dir, build));
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    // Another CLI placed the same build first: its files are these files.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
}

/**
 * The inputs of every build besides its modules: the build itself, the settings esbuild reads
 * (tsconfig.json, package.json), and the packages, stood for by npm's records of them.
 */
const FIXED_INPUTS = [
  'cli/bundle/build.mjs',
  'cli/bundle/manifest.mjs',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];

/** The stamp of each file of the repository the bundle was built from (a file absent at the start is left out). */
function inputStamps(metafile, stamps) {
  for (const path of Object.keys(metafile.inputs)) {
    const ours = !path.includes(':') && !path.split('/').includes('node_modules');
    if (ours && !stamps.has(path)) stamps.set(path, stampOf(join(ROOT, path)));
  }
  const inputs = {};
  for (const path of [...stamps.keys()].sort())
    if (stamps.get(path) !== undefined) inputs[path] = stamps.get(path);
  return inputs;
}

/** Removes old builds and leftovers of interrupted ones; never the two a running CLI may be using. */
function prune(dir, keep) {
  for (const name of readdirSync(dir)) {
    if (keep.has(name) || !/^([0-9a-f]{16}|\.tmp-.*|\.manifest-.*)$/.test(name)) continue;
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats !== undefined && Date.now() - stats.mtimeMs > PRUNE_AFTER_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Refuses `import('package')` in the repository's code. Bundled, a lazily imported CommonJS
 * package yields only a default export (named ones are undefined), where Node gives named
 * ones: import it in a small module of ours (cli/sdk/), and import that module lazily.
 */
function noLazyPackages() {
  return {
    name: 'no-lazy-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || isBuiltin(args.path)) return undefined;
        if (args.importer.split(sep).includes('node_modules')) return undefined;
        const where = relative(ROOT, args.importer);
        const text = `${where} imports the package ${args.path} lazily: import it from a module in cli/sdk/ and import that lazily`;
        return { errors: [{ text }] };
      });
    },
  };
}

/**
 * zod's namespace carries every one of its ~50 locales (about 370 kB, a third of what `cutover
 * plan` loads), though it only ever uses English, set by default. In the bundle, its list of
 * locales holds English alone; `z.locales.en` still works, and nothing here uses another.
 */
function zodInEnglishOnly() {
  return {
    name: 'zod-in-english-only',
    setup(build) {
      build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => {
        if (!args.importer.split(sep).join('/').includes('/node_modules/zod/')) return undefined;
        const english = join(args.resolveDir, dirname(args.path), 'en.js');
        return { path: english, namespace: 'zod-english', pluginData: english };
      });
      build.onLoad({ filter: /.*/, namespace: 'zod-english' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(args.pluginData)};`,
        resolveDir: dirname(args.pluginData),
        loader: 'js',
      }));
    },
  };
}

/** Resolves the SOURCE_ONLY modules to one that says, if ever loaded, how to run them. */
function sourceOnly() {
  return {
    name: 'source-only',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const path = relative(ROOT, join(args.resolveDir, args.path)).split(sep).join('/');
        const source = path.replace(/\.js$/, '.ts');
        return SOURCE_ONLY.has(source) ? { path: source, namespace: 'source-only' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'source-only' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not in the CLI bundle: run it through cli/cutover.mjs, which runs it from the sources`)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Loads the repository's own modules: stamps each just before reading it, and makes each
 * `import.meta.url` in it the source file's URL (main.ts reads ../package.json by it), not the
 * bundle's: it becomes that file's path from the build folder.
 */
function repositoryFiles(outdir, stamps) {
  return {
    name: 'repository-files',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        stamps.set(relative(ROOT, args.path).split(sep).join('/'), stampOf(args.path));
        const text = readFileSync(args.path, 'utf8');
        const fromBuild = JSON.stringify(relative(outdir, args.path).split(sep).join('/'));
        return {
          contents: text.replaceAll('import.meta.url', `new URL(${fromBuild}, import.meta.url).href`),
          loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js',
        };
      });
    },
  };
}

/** `node cli/bundle/build.mjs`: build unless current. Without esbuild (a production install) it says so and succeeds. */
async function buildFromCommandLine() {
  if (freshEntry() !== undefined) {
    console.log(`cutover: the CLI bundle in ${relative(process.cwd(), bundleDir()) || '.'} is current`);
    return 0;
  }
  try {
    await buildBundle();
  } catch (error) {
    if (isEsbuildMissing(error)) {
      console.log(
        'cutover: esbuild is not installed, so the CLI will run from its TypeScript sources (slower to start)',
      );
      return 0;
    }
    console.error(`cutover: could not build the CLI bundle: ${error.message}`);
    return 1;
  }
  console.log(`cutover: built the CLI bundle in ${relative(process.cwd(), bundleDir()) || '.'}`);
  return 0;
}

// Run as a script (`node cli/bundle/build.mjs`), not imported: compared as real paths, as
// import.meta.url is one even when the checkout is reached through a symbolic link.
const script = process.argv[1] === undefined ? undefined : realpathSync(process.argv[1]);
if (script === fileURLToPath(import.meta.url)) process.exitCode = await buildFromCommandLine();
