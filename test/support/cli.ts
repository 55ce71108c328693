// Runs the `cutover` CLI in-process (`main()`) against a real local cloud: its HTTP API on a
// free port, its bearer token. Pushes here start nothing by themselves, so that only the
// commands under test start deployments.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../cli/main.js';
import type { Output } from '../../cli/output.js';
import type { DeploymentView } from '../../shared/api/views.js';
import { freePort } from '../../harness/emulators.js';
import { newest, push, SCENARIOS, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

export function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The scenarios catalog, except that pushes start nothing: there a push starts a deployment
 * through EventBridge (tags match `tagFilter`), and here none does.
 */
function catalogWithoutPushDeploys(): string {
  const catalog = parse(readFileSync(SCENARIOS, 'utf8')) as {
    services: Record<string, { images: { tagFilter?: string } }>;
  };
  for (const service of Object.values(catalog.services)) service.images.tagFilter = '^push-';
  const path = join(mkdtempSync(join(tmpdir(), 'cutover-cli-catalog-')), 'catalog.yml');
  writeFileSync(path, stringify(catalog));
  return path;
}

export type CliCloud = Awaited<ReturnType<typeof startCliCloud>>;

export async function startCliCloud() {
  const handle: CloudHandle = await startCloud({
    port: await freePort(),
    apiPort: 0,
    catalogPath: catalogWithoutPushDeploys(),
    // Slow enough that a step's 60 s Lambda timeout (1 s here) survives a busy machine.
    speed: 60,
  });
  const connection = ['--endpoint', handle.cloud.apiEndpoint, '--token', handle.cloud.token];

  /** Runs `cutover <args>` against the cloud (`connect: false` leaves out --endpoint and --token). */
  async function cutover(args: string[], options: { connect?: boolean } = {}): Promise<Run> {
    const io = capture(args.includes('--json'));
    const code = await main([...args, ...(options.connect === false ? [] : connection)], io);
    return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
  }

  /** Pushes `<service>:<tag>` and answers its digest-pinned reference. */
  function pushed(service: string, tag: string, profile = 'healthy'): string {
    return `${handle.cloud.ecr.registry}/${service}@${push(handle, service, tag, profile)}`;
  }

  async function deploy(service: string, image: string): Promise<string> {
    const run = await cutover(['deploy', service, '--image', image, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { deploymentId: string }).deploymentId;
  }

  async function viewOf(deploymentId: string): Promise<DeploymentView> {
    return JSON.parse((await cutover(['status', deploymentId, '--json'])).stdout) as DeploymentView;
  }

  /** Until the deployment is running with its record (an operator can act on it) and `test` holds. */
  async function untilRunning(deploymentId: string, test: (view: DeploymentView) => boolean = () => true) {
    await until(async () => {
      const view = await viewOf(deploymentId);
      return view.status === 'running' && test(view);
    }, `${deploymentId} to be running`);
  }

  /** Until the execution has ended: the ledger has every record, and the service's lock is free. */
  async function untilExecutionEnded(deploymentId: string): Promise<void> {
    await until(async () => {
      const execution = await newest(handle, deploymentId);
      return execution !== undefined && execution.status !== 'RUNNING';
    }, `the execution of ${deploymentId} to end`);
  }

  return {
    handle,
    cutover,
    pushed,
    deploy,
    viewOf,
    untilRunning,
    untilExecutionEnded,
    stop: () => handle.stop(),
  };
}
