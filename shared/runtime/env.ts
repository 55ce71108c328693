// Environment variables, read once at cold start. A missing one fails loudly,
// naming the variable, instead of surfacing later as `undefined` in an AWS call.

import { ConfigurationMissing } from './errors.js';

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationMissing(
      `environment variable ${name} is not set; it is set by serverless.yml on AWS`,
    );
  }
  return value;
}

export function optionalEnv(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}
