// What `status <service>` prints when no deployment is in progress: the live release, its
// task set's counts, a push that waits, the alarms and the recent deployments.

import type { Output } from '../output.js';
import { printable } from '../printable.js';
import type { ServiceView } from '../../shared/api/views.js';
import { alarmsText, queuedLine, taskSetLine } from './words.js';
import { shortImage } from '../../shared/domain/image-words.js';

export function printService(output: Output, service: ServiceView): void {
  serviceLines(service).forEach((line) => output.out(printable(line)));
}

export function serviceLines(service: ServiceView): string[] {
  const lines = [
    service.live === null
      ? `${service.name}: nothing live yet (${service.strategy})`
      : `${service.name}: release ${service.live.release} is live, ${shortImage(service.live.image)} (${service.strategy})`,
  ];
  if (service.liveTaskSet) lines.push(`tasks   ${taskSetLine('live', service.liveTaskSet)}`);
  lines.push('No deployment in progress.');
  if (service.queued) lines.push(queuedLine(service.queued, service.now, "the service's lock frees"));
  lines.push(`alarms  ${alarmsText(service.alarms)}`);
  if (service.recentDeployments.length > 0) {
    lines.push('Recent deployments:');
    for (const d of service.recentDeployments)
      lines.push(`  release ${d.release}  ${d.status.padEnd(11)} ${d.startedAt}  ${d.deploymentId}`);
  }
  return lines;
}
