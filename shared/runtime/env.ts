// A handler's environment: the variables serverless.yml sets. On Lambda it is process.env; the
// local cloud gives each of its handlers an object of its own (local/handler-environment.ts), so
// nothing here reads process.env. A missing variable fails loudly, naming it, instead of
// surfacing later as `undefined` in an AWS call.

import { ConfigurationMissing } from './errors.js';

/** The variables a handler is built from (process.env is one). */
export type Environment = Readonly<Record<string, string | undefined>>;

export function requireEnv(name: string, env: Environment): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationMissing(
      `environment variable ${name} is not set; it is set by serverless.yml on AWS`,
    );
  }
  return value;
}

export function optionalEnv(name: string, fallback: string, env: Environment): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}
