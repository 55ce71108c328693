// The functions a catalog's `local.functions` names (shared/domain/catalog-local.ts): each loaded
// from its module before the local cloud starts, then registered with the local Lambda under the
// name the catalog gives it, so that a hook's Invoke on the local endpoint runs it with the event
// it would get on AWS.
//
// A module exports `handler(event, context)`, as Lambda's Node runtime calls it, or
// `createHandler(environment)`, which the local cloud calls once, at start (Lambda's cold start),
// with the function's environment: the catalog's `environment` and the local cloud's own
// variables (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, CUTOVER_LOCAL_LOAD_BALANCER). Every function
// runs in the local cloud's one process, whose process.env is not theirs to set, so this is the
// way a local function gets an environment; on AWS the same module's
// `export const handler = createHandler(process.env)` reads Lambda's.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { CatalogInvalid, type Problem } from '../shared/domain/errors.js';
import type { LocalHandler, LocalLambda } from './aws/lambda.js';
import { functionOf } from '../shared/domain/webhook.js';

export interface CatalogFunction {
  name: string;
  /** The module's absolute path. */
  path: string;
  timeoutSeconds: number;
  /** The catalog's variables for it. */
  environment: Record<string, string>;
  module: FunctionModule;
}

/** What a function's module exports that the local cloud uses. */
export type FunctionModule =
  | { kind: 'handler'; handler: LocalHandler }
  | { kind: 'factory'; createHandler: (environment: Record<string, string>) => LocalHandler };

/**
 * Loads every module `local.functions` names, relative to the catalog file. A missing file, a
 * module that fails to load, or one that exports neither `handler` nor `createHandler`, is a
 * CatalogInvalid naming the field, listing every such problem; nothing is registered then.
 */
export async function loadCatalogFunctions(
  catalog: Catalog,
  catalogPath: string,
): Promise<CatalogFunction[]> {
  const entries = Object.entries(catalog.local?.functions ?? {});
  const loaded: CatalogFunction[] = [];
  const problems: Problem[] = [];
  for (const [name, entry] of entries) {
    const field = `local.functions.${name}.module`;
    const path = resolve(dirname(catalogPath), entry.module);
    if (!existsSync(path) || !statSync(path).isFile()) {
      problems.push({
        path: field,
        message: `no such file: ${path} (the path is relative to the catalog file)`,
      });
      continue;
    }
    let exports: Record<string, unknown>;
    try {
      exports = (await import(/* @vite-ignore */ pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      problems.push({ path: field, message: `${path} could not be loaded: ${String(error)}` });
      continue;
    }
    const module = functionModule(exports);
    if (module === undefined) {
      problems.push({
        path: field,
        message:
          `${path} exports no handler: export a function \`handler(event, context)\`, as Lambda calls it, ` +
          'or `createHandler(environment)` that returns one',
      });
      continue;
    }
    loaded.push({ name, path, timeoutSeconds: entry.timeoutSeconds, environment: entry.environment, module });
  }
  if (problems.length > 0) throw new CatalogInvalid(problems, { source: catalogPath });
  return loaded;
}

function functionModule(exports: Record<string, unknown>): FunctionModule | undefined {
  const { createHandler, handler } = exports;
  if (typeof createHandler === 'function')
    return {
      kind: 'factory',
      createHandler: createHandler as (environment: Record<string, string>) => LocalHandler,
    };
  if (typeof handler === 'function') return { kind: 'handler', handler: handler as LocalHandler };
  return undefined;
}

/** What the local cloud gives every local function, besides the catalog's variables. */
export interface LocalFunctionVariables {
  AWS_REGION: string;
  /** The local load balancer's data plane (data-plane-server.ts). */
  CUTOVER_LOCAL_LOAD_BALANCER: string;
}

/** Registers each function with the local Lambda; a factory is called now, with its environment. */
export function registerCatalogFunctions(
  lambda: LocalLambda,
  functions: readonly CatalogFunction[],
  variables: LocalFunctionVariables,
): void {
  for (const fn of functions) {
    const environment = {
      ...fn.environment,
      AWS_REGION: variables.AWS_REGION,
      AWS_DEFAULT_REGION: variables.AWS_REGION,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      CUTOVER_LOCAL_LOAD_BALANCER: variables.CUTOVER_LOCAL_LOAD_BALANCER,
    };
    const handler = fn.module.kind === 'factory' ? fn.module.createHandler(environment) : fn.module.handler;
    if (typeof handler !== 'function') {
      throw new CatalogInvalid([
        {
          path: `local.functions.${fn.name}.module`,
          message: `${fn.path}: createHandler(environment) returned ${typeof handler}, not a handler function`,
        },
      ]);
    }
    lambda.register({ name: fn.name, handler, timeoutSeconds: fn.timeoutSeconds });
  }
}

/**
 * A line for each hook whose function the local Lambda does not have: each deployment that runs
 * that hook locally rolls back at it, as one whose function is missing does on AWS.
 */
export function hooksWithoutFunction(catalog: Catalog, lambda: Pick<LocalLambda, 'knows'>): string[] {
  return Object.entries(catalog.services).flatMap(([service, entry]) =>
    Object.entries(entry.hooks)
      .flatMap(([hook, target]) => {
        const fn = functionOf(target);
        return fn === undefined ? [] : [[hook, fn] as const];
      })
      .filter(([, fn]) => !lambda.knows(fn))
      .map(
        ([hook, fn]) =>
          `hook ${hook} of ${service} calls ${fn}, which the local cloud does not run: its deployments ` +
          `roll back at that hook. Add local.functions.${functionNameOf(fn)}.module to the catalog ` +
          '(docs/catalog.md#local)',
      ),
  );
}

/** `web-smoke-test` from a name, or from a full or partial ARN. */
function functionNameOf(nameOrArn: string): string {
  return /:function:([^:]+)/.exec(nameOrArn)?.[1] ?? nameOrArn;
}
