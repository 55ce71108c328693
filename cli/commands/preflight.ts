// `cutover preflight [service]`: read-only checks that an AWS account (or the local cloud)
// holds what the catalog needs, each problem named with its fix. Changes nothing.

import { existsSync } from 'node:fs';
import { parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { BadInput, UsageError } from '../errors.js';
import { DEFAULT_CATALOG, DEMO_CATALOG, loadCatalogFile } from '../catalog-file.js';
import { printJson, type Output } from '../output.js';
import {
  ACCOUNT_OPTIONS,
  accountTarget,
  LOCAL_AWS_ENDPOINT_HELP,
  type AccountTarget,
} from '../local-aws-endpoint.js';
import { send } from '../http-request.js';
import { FUNCTION_NAMES } from '../../local/functions.js';
import type { Catalog } from '../../shared/domain/catalog-schema.js';
import { DEFAULT_STAGE, functionRoleNames, LOCAL_STAGE } from '../../shared/domain/stack-names.js';
import type { PreflightReport } from '../../shared/engine/preflight.js';

const help = `Usage: cutover preflight [service] [options]

Check, reading only, that the account holds what the catalog needs before a first
deployment. For every catalog service (or the one named):
  - the ECS service exists and uses the EXTERNAL deployment controller;
  - its PRIMARY task set runs a task definition whose family has an ACTIVE revision;
  - the production listener rule forwards to both target groups (the idle one at
    weight 0), the test listener rule (if any) exists, and both target groups are
    attached to the rule's load balancer;
  - the watched alarms exist;
  - the hook functions exist (not checked on the local cloud, whose Lambda answers Invoke alone);
and that the role of every function of the stack exists, named as packaging names it.
Each problem is printed with its fix.

Options:
  --aws               check the AWS account your credentials reach, found as the AWS CLI
                      finds them (AWS_PROFILE, aws sso login, environment variables)
${LOCAL_AWS_ENDPOINT_HELP}
  --region R          the region (default: with --aws, $AWS_REGION, else the region of the
                      catalog's ARNs; on the local cloud, the region of the catalog's ARNs)
  --stage S           the stage the stack was deployed with, which its role names include
                      (default: ${DEFAULT_STAGE} with --aws, as npm run package and osls deploy;
                      ${LOCAL_STAGE} on the local cloud)
  --catalog FILE      the catalog (default: $CUTOVER_CATALOG, else ./${DEFAULT_CATALOG}; on the local
                      cloud without either, the demo catalog, as local start)
  --json              print the findings as JSON

Exit codes: 0 nothing found, 1 a problem found (or the account could not be read),
2 bad usage, a bad catalog or a service it does not have.

Examples:
  cutover preflight                                  # the local cloud, with npm start running
  cutover preflight web --aws --region eu-west-1 --stage prod --catalog catalog.yml
  cutover preflight --aws --json`;

type Target = AccountTarget;

export const preflightCommand: Command = {
  name: 'preflight',
  help,
  async run(args, output) {
    const { values, positionals } = parseCommandLine(args, {
      ...ACCOUNT_OPTIONS,
      catalog: { type: 'string' },
    });
    if (positionals.length > 1) throw new UsageError('preflight takes at most one service name', help);
    const local = !values.aws;
    const catalogFile =
      values.catalog ??
      (process.env.CUTOVER_CATALOG ||
        (local && !existsSync(DEFAULT_CATALOG) ? DEMO_CATALOG : DEFAULT_CATALOG));
    const catalog = loadCatalogFile(catalogFile);
    const services = positionals.length === 1 ? [positionals[0]!] : Object.keys(catalog.services);
    const unknown = services.find((s) => catalog.services[s] === undefined);
    if (unknown !== undefined) {
      throw new BadInput(
        `no service "${unknown}" in ${catalogFile}; it has: ${Object.keys(catalog.services).join(', ')}`,
      );
    }
    // The local cloud plays the region of the catalog's ARNs, whatever the shell's AWS_REGION says.
    const { target, stage } = accountTarget(
      values,
      help,
      (local) =>
        values.region ??
        (local
          ? regionOf(catalog)
          : process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || regionOf(catalog)),
    );
    const report = await check(target, catalog, services, stage);
    if (output.json) printJson(output, { target, catalog: catalogFile, ...report });
    else print(output, target, report);
    return report.ok ? 0 : 1;
  },
};

async function check(
  target: Target,
  catalog: Catalog,
  services: string[],
  stage: string,
): Promise<PreflightReport> {
  if (target.endpoint !== undefined) await reachable(target.endpoint);
  const [{ preflight }, inventory, clients] = await Promise.all([
    import('../../shared/engine/preflight.js'),
    import('../../shared/aws/preflight-inventory.js'),
    import('../aws-clients.js'),
  ]);
  const sdk = clients.sdkClients(target);
  try {
    return await preflight(
      {
        ecs: new inventory.EcsAccountInventory(sdk.ecs),
        loadBalancers: new inventory.Elbv2AccountInventory(sdk.elb),
        alarms: new inventory.CloudWatchAlarmInventory(sdk.cloudWatch),
        functions: sdk.lambda === null ? null : new inventory.LambdaFunctionInventory(sdk.lambda),
        roles: new inventory.IamRoleInventory(sdk.iam),
      },
      {
        catalog,
        services,
        stack: {
          stage,
          region: target.region,
          roleNames: functionRoleNames(FUNCTION_NAMES, { stage, region: target.region }),
        },
        functionsNotChecked: 'not checked on the local cloud, whose Lambda answers Invoke alone',
      },
    );
  } catch (error) {
    if ((error as Error).name === 'CredentialsProviderError') {
      throw new Error(
        `no AWS credentials: ${(error as Error).message}. Configure them as for the AWS CLI (AWS_PROFILE, aws sso login, environment variables), or check the local cloud without --aws`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    sdk.destroy();
  }
}

function print(output: Output, target: Target, report: PreflightReport): void {
  const where =
    target.kind === 'aws' ? `AWS (${target.region})` : `the local cloud at ${target.endpoint ?? ''}`;
  output.out(`Preflight on ${where}, reading only:`);
  const block = (
    title: string,
    findings: PreflightReport['stack']['problems'],
    notChecked: PreflightReport['stack']['notChecked'],
  ) => {
    output.out(`${findings.length === 0 ? '✓' : '✗'} ${title}`);
    for (const problem of findings) {
      output.out(`  - ${problem.check}: ${problem.message}`);
      output.out(`    fix: ${problem.fix}`);
    }
    for (const skipped of notChecked) output.out(`  (${skipped.check}: ${skipped.reason})`);
  };
  for (const service of report.services) block(service.service, service.problems, service.notChecked);
  const { stack } = report;
  block(
    `stack: the ${stack.roles} function roles of stage ${stack.stage} in ${stack.region}`,
    stack.problems,
    stack.notChecked,
  );
  const count = [stack, ...report.services].reduce((n, f) => n + f.problems.length, 0);
  output.out(count === 0 ? 'No problems found.' : `${count} problem${count === 1 ? '' : 's'} found.`);
}

async function reachable(endpoint: string): Promise<void> {
  try {
    await send({ url: endpoint, method: 'HEAD', timeoutMs: 5000 });
  } catch (error) {
    throw new Error(
      `no AWS endpoint answers at ${endpoint}; start the local cloud with npm start (or cutover local start), pass --data DIR (its data folder) or --endpoint URL, or check AWS itself with --aws`,
      { cause: error },
    );
  }
}

/** The one region the catalog's ARNs name; refused when they name several. */
function regionOf(catalog: Catalog): string {
  const regions = new Set(
    Object.values(catalog.services).flatMap((e) =>
      [e.traffic.productionListenerRule, ...e.traffic.targetGroups].map((arn) => arn.split(':')[3]!),
    ),
  );
  if (regions.size !== 1) {
    throw new UsageError(`the catalog's ARNs name regions ${[...regions].join(', ')}: pass --region`, help);
  }
  return [...regions][0]!;
}
