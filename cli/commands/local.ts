// `cutover local <start|push|time>`: the local cloud. Each action is its own module.

import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { reportingApiFailures } from '../api-client.js';
import { localPush, PUSH_HELP } from './local-push.js';
import { localStart, START_HELP } from './local-start.js';
import { localTime, TIME_HELP } from './local-time.js';

/** The catalog `local start` runs by default (its home is cli/catalog-file.ts). */
export { DEMO_CATALOG } from '../catalog-file.js';

const help = `Usage: cutover local <start|push|time> [options]

${START_HELP}

${PUSH_HELP}

${TIME_HELP}

Examples:
  npm start
  npx cutover local push web:v2 --profile healthy
  npx cutover local push web:v3 --profile faulty
  npx cutover local push web:stable --from v2        # the same build under a second tag
  npx cutover local time                            # the simulated now, e.g. 2026-12-06T14:03:10Z
  aws --endpoint-url http://127.0.0.1:4566 cloudwatch get-metric-statistics \\
    --namespace AWS/ApplicationELB --metric-name RequestCount --statistics Sum --period 60 \\
    --dimensions Name=LoadBalancer,Value=app/cutover-demo/c6f5425c84684d5b \\
    --start-time $(npx cutover local time --ago 30m) --end-time $(npx cutover local time)`;

/** What a mistake in one action shows: that action's usage, not all three. */
function usage(section: string): string {
  return `Usage:\n${section}\n\nRun "cutover local --help" for every action, with examples.`;
}

export const localCommand: Command = {
  name: 'local',
  help,
  async run(args, output) {
    const [action, ...rest] = args;
    if (action === 'start') return localStart(rest, output, usage(START_HELP));
    if (action === 'push')
      return reportingApiFailures((a, o) => localPush([...a], o, usage(PUSH_HELP)))(rest, output);
    if (action === 'time') return localTime(rest, output, usage(TIME_HELP));
    throw new UsageError(`local takes start, push or time, not ${action ?? 'nothing'}`, help);
  },
};
