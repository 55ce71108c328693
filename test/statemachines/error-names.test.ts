// Error names are a contract: a state machine's ErrorEquals, the API's answers and the CLI's exit
// codes all go by them. So every error class of the code lives in its layer's error module and
// extends that layer's base, no two classes share a name, and each `name` is its class's name
// (but where AWS names the error). The classes are found by reading every source file, so a
// class declared anywhere else is found too. Then every custom ErrorEquals in the state machines
// names one of them, and every step error of the engine is caught somewhere. The drift test
// below shows what the check says when the operator's old DeploymentNotFound is declared again
// in shared/engine/operator.ts: it is outside the error modules, and its name is taken.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as apiErrors from '../../shared/api/errors.js';
import * as awsErrors from '../../shared/aws/errors.js';
import * as domainErrors from '../../shared/domain/errors.js';
import * as engineErrors from '../../shared/engine/errors.js';
import * as runtimeErrors from '../../shared/runtime/errors.js';
import * as cliErrors from '../../cli/errors.js';
import * as localErrors from '../../local/errors.js';
import * as webErrors from '../../web/src/errors.js';
import { LAMBDA_SERVICE_ERRORS } from '../support/task-policy.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Each layer's error module, its base class, and the module as loaded. */
const LAYERS: Record<string, { base: string; module: Record<string, unknown> }> = {
  'shared/domain/errors.ts': { base: 'DomainError', module: domainErrors },
  'shared/engine/errors.ts': { base: 'EngineError', module: engineErrors },
  'shared/aws/errors.ts': { base: 'AdapterError', module: awsErrors },
  'shared/runtime/errors.ts': { base: 'HandlerError', module: runtimeErrors },
  'shared/api/errors.ts': { base: 'ApiError', module: apiErrors },
  'local/errors.ts': { base: 'LocalCloudError', module: localErrors },
  'cli/errors.ts': { base: 'CliError', module: cliErrors },
  'web/src/errors.ts': { base: 'WebError', module: webErrors },
};
/** Named as AWS names what they stand for (the code AWS answered with, or its own name), not as the class. */
const NAMED_BY_AWS = new Set(['AwsServiceError', 'S3ServiceError', 'AwsError', 'S3Error', 'TaskFailure']);
const AWS_FIXED_NAMES: Record<string, string> = {
  MetricMathError: 'ValidationError',
  StatesTimeout: 'States.Timeout',
  FunctionTimedOut: 'Sandbox.Timedout',
};

const SOURCE_DIRS = ['shared', 'local', 'cli', 'functions', 'harness', 'bench', 'web/src', '.ci'];
const SKIPPED = new Set(['node_modules', 'dist', 'results', 'coverage']);

/** Every source file of the code (not the tests), by path from the repository's root. */
function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
      const path = relative(ROOT, join(entry.parentPath, entry.name));
      if (path.split('/').some((part) => SKIPPED.has(part) || (part.startsWith('.') && part !== '.ci')))
        continue;
      if (entry.isFile() && /\.(ts|tsx|mts|js|mjs|cjs)$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name))
        files.set(path, readFileSync(join(ROOT, path), 'utf8'));
    }
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

interface Declared {
  name: string;
  file: string;
  parent: string;
  exported: boolean;
  abstract: boolean;
}

const CLASS = /^[ \t]*(export\s+)?(abstract\s+)?class\s+(\w+)(?:<[^{]*?>)?\s+extends\s+([\w.]+)/gm;

/** Every class that extends Error, directly or through another class, as the sources declare it. */
function errorClasses(files: ReadonlyMap<string, string>): Declared[] {
  const declared = [...files].flatMap(([file, text]) =>
    [...text.matchAll(CLASS)].map((m) => ({
      name: m[3]!,
      file,
      parent: m[4]!,
      exported: m[1] !== undefined,
      abstract: m[2] !== undefined,
    })),
  );
  // Error, TypeError, DOMException, a library's ServiceException..., then what extends those.
  const errors = new Set<string>();
  let grown = -1;
  while (errors.size > grown) {
    grown = errors.size;
    for (const c of declared) {
      if (errors.has(c.parent) || /(^|\.)\w*(Error|Exception)$/.test(c.parent)) errors.add(c.name);
    }
  }
  return declared.filter((c) => errors.has(c.name));
}

/** What is wrong with where the error classes are declared, one line each; none when all is well. */
function placementProblems(files: ReadonlyMap<string, string>): string[] {
  const classes = errorClasses(files);
  const problems: string[] = [];
  for (const c of classes) {
    const layer = LAYERS[c.file];
    if (layer === undefined) {
      problems.push(`${c.name} is declared in ${c.file}, outside the error modules`);
      continue;
    }
    if (!c.exported) problems.push(`${c.name} (${c.file}) is not exported`);
    // The base is in the same module, so is every class between.
    const parentOf = (name: string) => classes.find((d) => d.file === c.file && d.name === name)?.parent;
    let ancestor: string | undefined = c.name;
    while (ancestor !== undefined && ancestor !== layer.base) ancestor = parentOf(ancestor);
    if (ancestor === undefined) problems.push(`${c.name} (${c.file}) does not extend ${layer.base}`);
  }
  for (const name of new Set(classes.map((c) => c.name))) {
    const where = classes.filter((c) => c.name === name).map((c) => c.file);
    if (where.length > 1)
      problems.push(`${name} is declared ${where.length} times: ${where.sort().join(', ')}`);
  }
  return problems;
}

/** The `name` of an instance, constructed with whichever argument shape the class takes. */
function instanceName(cls: new (...args: never[]) => Error): string | undefined {
  for (const args of [['probe'], [[]], ['probe', []], [400, 'Probe', 'probe']]) {
    try {
      return (Reflect.construct(cls, args) as Error).name;
    } catch {
      // try the next shape
    }
  }
  return undefined;
}

/** The error classes a module exports, by class name. */
function exportedClasses(module: Record<string, unknown>): Map<string, new (...args: never[]) => Error> {
  const classes = Object.values(module).filter(
    (v): v is new (...args: never[]) => Error => typeof v === 'function' && v.prototype instanceof Error,
  );
  return new Map(classes.map((c) => [c.name, c]));
}

const files = sources();
const classes = errorClasses(files);
/** The layers' bases, and OperatorError: abstract, so never thrown as they are. */
const bases = new Set(classes.filter((c) => c.abstract).map((c) => c.name));

describe('error classes', () => {
  it('are found in every layer, bases included', () => {
    expect(classes.length).toBeGreaterThan(40);
    expect(new Set(classes.map((c) => c.file))).toEqual(new Set(Object.keys(LAYERS)));
  });

  it("are each declared once, in its layer's error module, exported, and extend the layer's base", () => {
    expect(placementProblems(files)).toEqual([]);
  });

  it('fail the check when a class is declared outside the modules, or twice (the drift before this test)', () => {
    const drifted = new Map(files);
    drifted.set(
      'shared/engine/operator.ts',
      `${files.get('shared/engine/operator.ts')}\nexport class DeploymentNotFound extends Error {}\n`,
    );
    expect(placementProblems(drifted)).toEqual([
      'DeploymentNotFound is declared in shared/engine/operator.ts, outside the error modules',
      'DeploymentNotFound is declared 2 times: shared/engine/errors.ts, shared/engine/operator.ts',
    ]);
  });

  it.each(Object.entries(LAYERS))(
    '%s: each class is named as it is called (or as AWS names it)',
    (file, layer) => {
      const loaded = exportedClasses(layer.module);
      const declared = classes.filter((c) => c.file === file).map((c) => c.name);
      expect([...loaded.keys()].sort()).toEqual([...declared].sort());
      for (const [name, cls] of loaded) {
        expect(cls === loaded.get(layer.base) || cls.prototype instanceof loaded.get(layer.base)!).toBe(true);
        if (bases.has(name) || NAMED_BY_AWS.has(name)) continue;
        expect({ name, named: instanceName(cls) }).toEqual({ name, named: AWS_FIXED_NAMES[name] ?? name });
      }
    },
  );
});

const dir = new URL('../../statemachines/', import.meta.url);
const machines = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));

/** The names AWS itself raises, which no class of ours needs to define. */
const AWS_NAMES = new Set<string>([
  'States.ALL',
  'States.Timeout',
  'States.Http.Socket',
  ...LAMBDA_SERVICE_ERRORS,
]);

function errorEquals(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(errorEquals);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'ErrorEquals' ? (value as string[]) : errorEquals(value),
  );
}

/** The names the handlers' errors can carry: every class of the code the Lambda functions load. */
const stepErrorNames = new Set(
  [domainErrors, engineErrors, awsErrors, runtimeErrors].flatMap((m) =>
    [...exportedClasses(m)].filter(([name]) => !bases.has(name)).map(([, cls]) => instanceName(cls)!),
  ),
);

describe('error names in the state machines', () => {
  it('finds the three state machines', () => {
    expect(machines.sort()).toEqual(['blue-green.asl.json', 'canary.asl.json', 'rolling.asl.json']);
  });

  it.each(machines)('%s: every custom ErrorEquals names an exported error class', (file) => {
    const names = errorEquals(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const custom = [...new Set(names)].filter((n) => !AWS_NAMES.has(n));
    expect(custom.length).toBeGreaterThan(3);
    expect(custom.filter((n) => !stepErrorNames.has(n))).toEqual([]);
  });

  it('every step error of the engine, and the transient and input errors, is caught or retried somewhere', () => {
    const used = new Set(
      machines.flatMap((f) => errorEquals(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))),
    );
    // An operator's action answers an OperatorError over HTTP; no step raises one.
    const stepErrors = [...exportedClasses(engineErrors).values()].filter(
      (cls) => !bases.has(cls.name) && !(cls.prototype instanceof engineErrors.OperatorError),
    );
    const mustBeHandled = [
      ...stepErrors.map((cls) => cls.name),
      'TransientError',
      'DeploymentRequestInvalid',
    ];
    expect(mustBeHandled).toContain('LockLost');
    // They end the run in AcquireLock's catch-all (nothing was changed yet), or roll back from
    // CheckAlarms' (nothing moved): LedgerBroken is raised there, before any traffic moves.
    const endsInCatchAll = new Set(['NoStableRelease', 'LedgerBroken']);
    expect(mustBeHandled.filter((n) => !used.has(n) && !endsInCatchAll.has(n))).toEqual([]);
  });
});
