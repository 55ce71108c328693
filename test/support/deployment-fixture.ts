// A deployment record as the engine writes it while a canary bakes at 10%, for tests that
// store and read records without running a deployment. Each test sets what it looks at.

import type { Deployment } from '../../shared/domain/deployment.js';

export function bakingDeployment(
  fields: Pick<Deployment, 'deploymentId' | 'service' | 'release' | 'image'> & Partial<Deployment>,
): Deployment {
  return {
    strategy: 'canary',
    trigger: 'push',
    actor: 'ecr-push',
    status: 'running',
    phase: 'bake',
    startedAt: 1_741_942_800_000,
    updatedAt: 1_741_942_800_000,
    stable: {
      release: 1,
      image: 'web@sha256:' + '0'.repeat(64),
      taskSetId: 'ecs-svc/1',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-a/1',
    },
    candidate: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-b/2' },
    weights: { stable: 90, candidate: 10 },
    ...fields,
  };
}
