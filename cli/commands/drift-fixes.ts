// How to fix each kind of drift `cutover drift` finds (shared/engine/drift.ts): what to do,
// then the exact command where there is one. Cutover's own commands come first; what only a
// person can judge (a task set nobody expected, a revision registered by hand) says what to
// check and the AWS CLI command that acts on it.

import type { DriftFinding, DriftReport } from '../../shared/engine/drift.js';

/** The ECS service of the drifted service, from its catalog entry (GET /services/{name}). */
export interface EcsNames {
  cluster: string;
  service: string;
}

/** The lines under a finding: `to fix: …`, then the command, if there is one. */
export function fixFor(finding: DriftFinding, report: DriftReport, ecs: EcsNames | null): string[] {
  const { service, live } = report;
  const at =
    ecs === null
      ? '--cluster <cluster> --service <service>'
      : `--cluster ${ecs.cluster} --service ${ecs.service}`;
  const redeploy =
    live === null
      ? []
      : [
          `cutover deploy ${service} --image ${live.image} --reason "restore release ${live.release} after drift"`,
        ];
  switch (finding.kind) {
    case 'never-promoted':
      return [
        'deploy a release with Cutover (or push an image it deploys); from then on the ledger says what runs:',
        `cutover deploy ${service} --image <repository>@sha256:<digest>`,
      ];
    case 'no-primary':
      return [
        "check by hand: Cutover replaces a running release, so the ECS service needs one PRIMARY task set behind one of the catalog's target groups; list its task sets with:",
        `aws ecs describe-task-sets ${at}`,
      ];
    case 'task-definition':
    case 'image':
      return [
        `redeploy the live release ${live?.release ?? ''} as a new release, through the catalog's gates:`,
        ...redeploy,
      ];
    case 'weights':
      return ['redeploy the live release: its new task set takes all production traffic:', ...redeploy];
    case 'extra-task-sets': {
      const id = /task set (\S+) runs/.exec(finding.message)?.[1] ?? '<task set id>';
      return [
        'check that it serves no production traffic (see any weights finding), then delete it:',
        `aws ecs delete-task-set ${at} --task-set ${id}`,
      ];
    }
    case 'outside-task-definition': {
      const arn = /\((arn:[^)]+)\)/.exec(finding.message)?.[1] ?? '<task definition ARN>';
      return [
        `if it should run, deploy its image through Cutover (cutover deploy ${service} --image <its image>@sha256:<digest>); if not, deregister it:`,
        `aws ecs deregister-task-definition --task-definition ${arn}`,
      ];
    }
  }
}

/** Whether a fix needs the ECS service's names (to be read from the catalog entry). */
export function needsEcsNames(report: DriftReport): boolean {
  return report.findings.some((f) => f.kind === 'no-primary' || f.kind === 'extra-task-sets');
}
