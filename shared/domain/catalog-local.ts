// The catalog's `local` section: what only the local cloud reads. Packaging and the Lambdas on
// AWS ignore it. `local.functions` names Lambda functions the local cloud runs itself, each from
// a module on this machine, so the catalog's hooks can call them locally as they call the
// deployed functions on AWS. The module's file and its exports are checked when the local cloud
// starts (local/catalog-functions.ts): the schema checks the shape alone, with no I/O.

import * as z from './zod.js';

/** Lambda's own limit on a function's timeout. */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;
/** A local function's timeout when the catalog gives none: the catalog's default hookTimeoutSeconds. */
export const DEFAULT_LOCAL_TIMEOUT_SECONDS = 300;

/** The variables the local cloud sets for every local function; the catalog may not set them. */
export const LOCAL_FUNCTION_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
  'CUTOVER_LOCAL_LOAD_BALANCER',
] as const;

/** The section's schemas, built at their first use (catalog-schema.ts says why). */
function buildSchemas() {
  const functionName = z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a Lambda function name: 1-64 of A-Z a-z 0-9 - _'));

  // Lambda's rule for a variable's name.
  const variableName = z.string().check(
    z.regex(/^[a-zA-Z][a-zA-Z0-9_]+$/, 'must be a variable name: a letter, then letters, digits and _'),
    z.refine(
      (name) => !(LOCAL_FUNCTION_VARIABLES as readonly string[]).includes(name),
      `is set by the local cloud (${LOCAL_FUNCTION_VARIABLES.join(', ')}), not the catalog`,
    ),
  );

  const localFunctionSchema = z.strictObject({
    /** The handler's module: a path relative to the catalog file (.ts, .mts, .js or .mjs). */
    module: z
      .string()
      .check(
        z.regex(
          /\.(ts|mts|js|mjs)$/,
          'must be the path of a .ts, .mts, .js or .mjs file, relative to the catalog',
        ),
      ),
    /** As Lambda's Timeout, on the local cloud's clock. */
    timeoutSeconds: z._default(
      z.int().check(z.gte(1), z.lte(MAX_FUNCTION_TIMEOUT_SECONDS)),
      DEFAULT_LOCAL_TIMEOUT_SECONDS,
    ),
    /** Given to the module's `createHandler(environment)`, with the local cloud's own variables. */
    environment: z._default(z.record(variableName, z.string()), {}),
  });

  const localSchema = z.strictObject({
    /** By the name hooks call them by. */
    functions: z._default(z.record(functionName, localFunctionSchema), {}),
  });
  return { localFunctionSchema, localSchema };
}

let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = () => (built ??= buildSchemas());

export const localFunctionSchema = z.lazy(() => schemas().localFunctionSchema);
export const localSchema = z.lazy(() => schemas().localSchema);

export type LocalSection = z.output<typeof localSchema>;
export type LocalFunctionEntry = z.output<typeof localFunctionSchema>;
