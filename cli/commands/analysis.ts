// `cutover analysis <deployment-id> [--all]`: a deployment's canary analysis, look by look,
// with what each metric rested on (GET /deployments/{id}).

import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { clientFrom, CONNECTION_HELP, CONNECTION_OPTIONS, reportingApiFailures } from '../api-client.js';
import { getDeployment } from '../follow.js';
import { renderAnalyses } from '../render/analysis.js';

const help = `Usage: cutover analysis <deployment-id> [--all] [options]

Show a deployment's canary analysis: its latest look, or with --all every look, oldest first.
For the sequential judge, each metric shows its samples (minutes, and events among requests
on each side), its effect (the rate ratio canary/baseline with its confidence interval), its
e-values against the allowed bound and against a breach of it with the value either must
reach, and the decision with the rule that made it. For Mann-Whitney, the score and why.
docs/analysis.md explains each figure.

Options:
  --all               every look, not only the latest

${CONNECTION_HELP}

Exit codes: 0 shown, 2 bad usage or unknown deployment.

Examples:
  cutover analysis web-7f5b2640fe6f-1764238400-a1b2c3
  cutover analysis web-7f5b2640fe6f-1764238400-a1b2c3 --all --json`;

export const analysisCommand: Command = {
  name: 'analysis',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      all: { type: 'boolean' },
    });
    const id = onePositional(positionals, 'analysis', 'deployment id', help);
    const view = await getDeployment(clientFrom(values), id);
    const all = 'analyses' in view ? view.analyses : [];
    const looks = values.all === true ? all : all.slice(-1);
    if (output.json) printJson(output, looks);
    else for (const line of renderAnalyses(id, looks)) output.out(line);
    return 0;
  }),
};
