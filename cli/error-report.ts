// Turns an error into what the user sees: a message that says what to fix, the
// problems with their paths, and an exit code. Never a stack trace for bad input.

import { BadInput, EXIT_BAD_INPUT, EXIT_FAILED, InputFileInvalid, UsageError } from './errors.js';
import type { Command } from './command.js';
import { DataFolderInvalid } from '../local/errors.js';
import {
  CatalogInvalid,
  DeploymentRequestInvalid,
  ImageReferenceInvalid,
  ScheduleInvalid,
  type Problem,
} from '../shared/domain/errors.js';

export interface ErrorReport {
  exitCode: number;
  text: string;
  body: { code: string; message: string; problems?: readonly Problem[] };
}

/** Errors that mean "your input is wrong" (exit 2). */
const BAD_INPUT = [
  CatalogInvalid,
  ScheduleInvalid,
  ImageReferenceInvalid,
  DeploymentRequestInvalid,
  InputFileInvalid,
  BadInput,
  // The local cloud's data folder cannot be started on.
  DataFolderInvalid,
];

/** `command`: the command that was run, if the command line named one. */
export function errorReport(error: unknown, command?: Pick<Command, 'name' | 'help'>): ErrorReport {
  if (error instanceof UsageError) {
    const help = error.help ?? command?.help;
    const hint = help === undefined ? '' : `\n\n${help}`;
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${error.message}${hint}`,
      body: { code: 'UsageError', message: error.message },
    };
  }
  if (isParseArgsError(error)) {
    const message = parseArgsMessage(error, command?.name);
    const help = command === undefined ? 'cutover --help' : `cutover ${command.name} --help`;
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${message}\nRun "${help}" to see its options.`,
      body: { code: 'UsageError', message },
    };
  }
  if (BAD_INPUT.some((kind) => error instanceof kind)) {
    const { name, message, problems } = error as Error & { problems?: readonly Problem[] };
    return {
      exitCode: EXIT_BAD_INPUT,
      text: `cutover: ${message}`,
      body: { code: name, message, ...(problems ? { problems } : {}) },
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

/** Node's parseArgs message, said for a person: what was wrong, with which option, in which command. */
function parseArgsMessage(error: Error & { code: string }, name = 'cutover'): string {
  const command = name === 'cutover' ? name : `cutover ${name}`;
  const text = error.message;
  const option = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?'/.exec(text)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = /^Unknown option '([^']*)'/.exec(text)?.[1];
    if (unknown !== undefined) return `Unknown option '${unknown}' for ${command}`;
  }
  if (option !== undefined && /argument (missing|is ambiguous)/.test(text))
    return `Option '${option}' needs a value: ${option} <value>`;
  if (option !== undefined && text.includes('does not take an argument'))
    return `Option '${option}' takes no value`;
  const positional = /^Unexpected argument '([^']*)'/.exec(text)?.[1];
  if (positional !== undefined)
    return `Unexpected argument '${positional}': ${command} takes no arguments besides its options`;
  return text.split('\n')[0]!;
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
