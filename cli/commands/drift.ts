// `cutover drift <service>`: compares what runs in ECS and on the listener with what the
// ledger says is live (GET /services/{name}/drift).

import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { printable } from '../printable.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
} from '../api-client.js';
import type { DriftReport } from '../../shared/engine/drift.js';
import { fixFor, needsEcsNames, type EcsNames } from './drift-fixes.js';

const help = `Usage: cutover drift <service> [options]

Check <service> for drift: the primary task set must run the task definition and image of
the live release in the ledger, production traffic must rest entirely on it, no other task
set may linger, and no newer revision of its task definition family may have been
registered outside Cutover. While a deployment runs, only the last check is made.
The same check runs every 15 minutes and publishes a Drift Detected event.

${CONNECTION_HELP}

Under each finding, how to fix it: for a primary that runs another task definition or
image, or traffic off the primary, the cutover deploy command that redeploys the live
release as a new one; for a task set or a revision nobody expected, what to check and
the AWS CLI command that removes it.

Exit codes: 0 no drift, 1 drift found (each finding is printed), 2 bad usage or unknown
service.

Examples:
  cutover drift web
  cutover drift web --json`;

export const driftCommand: Command = {
  name: 'drift',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, CONNECTION_OPTIONS);
    const service = onePositional(positionals, 'drift', 'service name', help);
    const client = clientFrom(values);
    const path = `/services/${segment(service)}`;
    const report = await client.get<DriftReport>(`${path}/drift`);
    if (output.json) printJson(output, report);
    else {
      const ecs = needsEcsNames(report)
        ? (await client.get<{ settings: { ecs: EcsNames } }>(path)).settings.ecs
        : null;
      for (const line of describe(report, ecs)) output.out(line);
    }
    return report.drift ? 1 : 0;
  }),
};

/** The report in words: each finding, and under it how to fix it (drift-fixes.ts). */
export function describe(report: DriftReport, ecs: EcsNames | null = null): string[] {
  const live =
    report.live === null ? 'no live release' : `release ${report.live.release}, ${report.live.image}`;
  const lines = report.drift
    ? [
        `✗ ${report.service} has drifted from ${live}:`,
        ...report.findings.flatMap((f) => {
          const [what, command] = fixFor(f, report, ecs);
          return [
            `  - ${f.kind}: ${f.message}`,
            `    to fix: ${what}`,
            ...(command === undefined ? [] : [`      ${command}`]),
          ];
        }),
      ]
    : [`✓ ${report.service} runs ${live}, as the ledger says`];
  if (report.deploymentInProgress !== null) {
    lines.push(
      `  (deployment ${report.deploymentInProgress} is in progress: only revisions registered outside Cutover were checked)`,
    );
  }
  return lines.map(printable);
}
