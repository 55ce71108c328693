import type { Output } from './output.js';

/** One CLI command: its help text and how to run it on its arguments. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: readonly string[], output: Output): Promise<number>;
}
