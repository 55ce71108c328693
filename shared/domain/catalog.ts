// Validating a catalog: the schema, then the rules between fields. Every problem is
// collected and reported with its path, so a user fixes the file in one pass instead of
// one error at a time. Reading the YAML is catalog-yaml.ts's.

import type * as z from './zod.js';
import { CatalogInvalid, type Problem } from './errors.js';
import { catalogSchema, serviceFields, type Catalog, type ServiceEntry } from './catalog-schema.js';
import { catalogRuleProblems, serviceRuleProblems } from './catalog-rules.js';

export type { Catalog, ServiceEntry } from './catalog-schema.js';

/** Validates a catalog's data (parsed YAML, or JSON). Throws CatalogInvalid listing every problem found. */
export function validateCatalog(raw: unknown): Catalog {
  const top = catalogSchema.safeParse(raw, { error: friendlyMessage });
  if (top.success) {
    const problems = catalogRuleProblems(top.data);
    if (problems.length > 0) throw new CatalogInvalid(problems);
    return top.data;
  }
  // Report the schema's problems, then the rule problems among the fields that are valid.
  const problems = zodProblems(top.error);
  for (const [name, entry] of Object.entries(servicesOf(raw))) {
    problems.push(...serviceRuleProblems(name, validFields(entry)));
  }
  throw new CatalogInvalid(problems);
}

export function getService(catalog: Catalog, name: string): ServiceEntry | undefined {
  return Object.hasOwn(catalog.services, name) ? catalog.services[name] : undefined;
}

/** The fields of a service entry that are valid on their own, so rules can check them too. */
function validFields(entry: unknown): Partial<ServiceEntry> {
  if (entry === null || typeof entry !== 'object') return {};
  const valid: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(serviceFields())) {
    const parsed = schema.safeParse(Reflect.get(entry, key));
    if (parsed.success) valid[key] = parsed.data;
  }
  return valid;
}

function servicesOf(raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object') return {};
  const services = (raw as { services?: unknown }).services;
  return services !== null && typeof services === 'object' && !Array.isArray(services)
    ? (services as Record<string, unknown>)
    : {};
}

export function zodProblems(error: z.core.$ZodError): Problem[] {
  return error.issues.flatMap((issue) => expand(issue, []));
}

/**
 * A value that fits none of a union's shapes is reported through the shape it was
 * meant to have (of the branches whose own type matched, the one with the fewest problems), so
 * the path points at the field that is wrong rather than at the whole value.
 */
function expand(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    // Of the shapes whose type matched, the one it is nearest to: the fewest problems.
    const branch = issue.errors
      .filter((issues) => !issues.some((i) => i.path.length === 0 && i.code === 'invalid_type'))
      .reduce<z.core.$ZodIssue[] | undefined>(
        (best, issues) => (best === undefined || issues.length < best.length ? issues : best),
        undefined,
      );
    if (branch !== undefined && branch.length > 0) return branch.flatMap((inner) => expand(inner, path));
  }
  return [{ path: formatPath(path), message: issue.message }];
}

/** `['services', 'web', 'steps', 2]` → `services.web.steps[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Zod error map: clearer words for the two commonest mistakes in a hand-written file. */
export function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_key') return issue.issues[0]?.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}; check the spelling`;
  }
  return undefined;
}
