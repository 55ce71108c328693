// `cutover rollback <service> [--to <release>]` (POST /services/{name}/rollback): aborts the
// deployment in progress, or else starts a new release that redeploys an earlier one.

import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
} from '../api-client.js';
import { shortImage } from '../../shared/domain/image-words.js';

const help = `Usage: cutover rollback <service> [--to <release> | --break-glass IMAGE] [--reason TEXT] [options]

Roll <service> back. With a deployment in progress (and no --to), abort it: production
traffic returns to the stable release. Otherwise start a new release that redeploys an
earlier promoted one (default: the newest one promoted before the live release) at once:
all traffic in one step, no approval. Only a promoted release can come back: one that was
rolled back or aborted is refused. Alarms never block a rollback: those already in ALARM
when it starts are recorded in the ledger and do not gate it; any other watched alarm still
does. Releases are never changed: the rollback is a new release, recorded in the ledger
with trigger "rollback". The ledger is verified first: if it does not verify (a record was
forged, edited or removed), nothing is done (exit 1, naming the record), except with
--break-glass.

Options:
  --to RELEASE         the release to redeploy (see cutover releases <service>)
  --reason TEXT        why, recorded in the ledger (required with --break-glass)
  --break-glass IMAGE  redeploy IMAGE (digest-pinned) as a rollback without reading the
                       ledger, for when it does not verify; recorded as break-glass

${CONNECTION_HELP}

Exit codes: 0 started, 1 the release is already live, was not promoted, the ledger does
not verify, or the service is busy (409), 2 bad usage, unknown service, or no such release.

Examples:
  cutover rollback web
  cutover rollback web --to 3 --reason "v5 leaks memory"
  cutover rollback web --break-glass <repo>@sha256:<digest> --reason "ledger broken, restoring v3"`;

interface Answer {
  service?: string;
  aborted?: string;
  deploymentId?: string;
  image?: string;
}

export const rollbackCommand: Command = {
  name: 'rollback',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      to: { type: 'string' },
      reason: { type: 'string' },
      'break-glass': { type: 'string' },
    });
    const glass = values['break-glass'];
    if (glass !== undefined && values.to !== undefined)
      throw new UsageError('--break-glass names its image itself; leave out --to', help);
    if (glass !== undefined && (values.reason === undefined || values.reason.trim() === ''))
      throw new UsageError('--break-glass needs --reason: why the ledger is bypassed, for the record', help);
    const service = onePositional(positionals, 'rollback', 'service name', help);
    if (values.to !== undefined && !/^[1-9]\d*$/.test(values.to))
      throw new UsageError(`--to takes a release number such as 3, not ${values.to}`, help);
    const answer = await clientFrom(values).post<Answer>(
      `/services/${segment(service)}/rollback`,
      glass !== undefined
        ? { breakGlass: { image: glass, reason: values.reason } }
        : {
            ...(values.to === undefined ? {} : { to: Number(values.to) }),
            ...(values.reason === undefined ? {} : { reason: values.reason }),
          },
    );
    if (output.json) printJson(output, answer);
    else if (answer.aborted !== undefined) {
      output.out(
        `Aborting ${answer.aborted}, the deployment of ${service} in progress: production traffic returns to the stable release.`,
      );
      output.out(`Follow it: cutover status ${answer.aborted} --watch`);
    } else {
      const target =
        glass !== undefined
          ? 'the image named (break glass)'
          : values.to === undefined
            ? 'the release before the live one'
            : `release ${values.to}`;
      output.out(
        `Rolling ${service} back to ${target}: ${answer.deploymentId} redeploys ${shortImage(answer.image ?? '')}, all traffic at once.`,
      );
      output.out(`Follow it: cutover status ${answer.deploymentId} --watch`);
    }
    return 0;
  }),
};
