// Turns an error into what the user sees: a message that says what to fix, the
// problems with their paths, and an exit code. Never a stack trace for bad input.

import { EXIT_BAD_INPUT, EXIT_FAILED, UsageError } from './errors.js';
import type { Problem } from '../shared/domain/errors.js';

export interface ErrorReport {
  exitCode: number;
  text: string;
  body: { code: string; message: string; problems?: readonly Problem[] };
}

/** Domain errors that mean "your input is wrong" (exit 2). */
const BAD_INPUT = new Set([
  'CatalogInvalid',
  'ScheduleInvalid',
  'ImageReferenceInvalid',
  'DeploymentRequestInvalid',
  'InputFileInvalid',
  'BadInput',
  // The local cloud's data folder cannot be started on (local/errors.ts).
  'DataFolderInvalid',
]);

export function errorReport(error: unknown, help?: string): ErrorReport {
  if (error instanceof UsageError) {
    const hint = help === undefined ? '' : `\n\n${help}`;
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${error.message}${hint}`,
      body: { code: 'UsageError', message: error.message },
    };
  }
  if (isParseArgsError(error)) {
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${error.message}\nRun with --help to see the options.`,
      body: { code: 'UsageError', message: error.message },
    };
  }
  if (error instanceof Error && BAD_INPUT.has(error.name)) {
    const problems = (error as { problems?: readonly Problem[] }).problems;
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${error.message}`,
      body: { code: error.name, message: error.message, ...(problems ? { problems } : {}) },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const debug = process.env.CUTOVER_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  return {
    exitCode: EXIT_FAILED,
    text: `cutover: ${message}${debug}`,
    body: { code: error instanceof Error ? error.name : 'Error', message },
  };
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
