// Catalogs of many services for the reliability suite and the scale benchmark: each
// service gets its own listener rule and target groups on one load balancer, a 5xx alarm,
// and a pattern taken in turn from the list given. Written to a file, as handlers read it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Strategy } from '../shared/domain/catalog-schema.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:000000000000';
const LISTENER = 'listener-rule/app/fleet/b774e3c53a57f7de/8cd29935667715e5';

export const ALL_PATTERNS: Strategy[] = ['linear', 'canary', 'all-at-once', 'blue-green', 'rolling'];

/** 16 hex digits, different for every (service, salt). */
const hex = (n: number, salt: number) =>
  ((n + 1) * 7919 + salt * 104729).toString(16).padStart(16, '0').slice(-16);

function service(name: string, index: number, strategy: Strategy) {
  return {
    ecs: { cluster: 'fleet', service: name, container: 'app' },
    traffic: {
      productionListenerRule: `${PREFIX}:${LISTENER}/${hex(index, 1)}`,
      targetGroups: [
        `${PREFIX}:targetgroup/${name}-a/${hex(index, 2)}`,
        `${PREFIX}:targetgroup/${name}-b/${hex(index, 3)}`,
      ],
    },
    strategy,
    ...(strategy === 'linear' ? { preset: 'Linear10PercentEvery1Minutes' } : {}),
    ...(strategy === 'canary' ? { preset: 'Canary10Percent5Minutes' } : {}),
    ...(strategy === 'rolling' ? { rolling: { batchPercent: 50, maxFailedTasks: 1 } } : {}),
    bakeSeconds: 120,
    terminationWaitSeconds: 60,
    alarms: [{ name: `${name}-5xx-rate`, metric: 'error-rate', threshold: 2 }],
    images: { repositories: [name] },
  };
}

/** Writes a catalog of `count` services named s000, s001, … and returns its path. */
export function writeFleetCatalog(count: number, patterns: readonly Strategy[] = ALL_PATTERNS): string {
  const services = Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const name = `s${String(i).padStart(3, '0')}`;
      return [name, service(name, i, patterns[i % patterns.length]!)];
    }),
  );
  const path = join(mkdtempSync(join(tmpdir(), 'cutover-fleet-')), 'catalog.yml');
  writeFileSync(path, stringify({ version: 1, services }));
  return path;
}
