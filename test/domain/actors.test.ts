// The actor names Cutover writes for its own records are reserved, and every one the code
// writes is on the list: a new system actor added to the engine without reserving it fails here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reservedActorPrefix } from '../../shared/domain/actors.js';
import { deploymentRequestSchema } from '../../shared/domain/deployment-request.js';
import { operatorActor } from '../../cli/api-client.js';
import { dashboardActor } from '../../local/dashboard.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Every `actor: '<literal>'` in the code that writes records. */
function actorLiterals(): { file: string; actor: string }[] {
  const found: { file: string; actor: string }[] = [];
  for (const folder of ['shared/engine', 'shared/api', 'functions', 'local']) {
    for (const name of readdirSync(join(ROOT, folder), { recursive: true }) as string[]) {
      if (!name.endsWith('.ts')) continue;
      const text = readFileSync(join(ROOT, folder, name), 'utf8');
      for (const match of text.matchAll(
        /\bactor:\s*(?:[^'"`\n,]*\?\s*)?['"`]([^'"`$]+)['"`](?:\s*:\s*['"`]([^'"`$]+)['"`])?/g,
      )) {
        found.push({ file: `${folder}/${name}`, actor: match[1]! });
        if (match[2] !== undefined) found.push({ file: `${folder}/${name}`, actor: match[2] });
      }
    }
  }
  return found;
}

describe('reserved actors', () => {
  it('covers every actor the engine, the handlers and the local cloud write', () => {
    const literals = actorLiterals();
    expect(literals.map((l) => l.actor)).toEqual(
      expect.arrayContaining(['state-machine', 'ecr-push', 'operator', 'cutover local start']),
    );
    for (const { file, actor } of literals)
      expect(reservedActorPrefix(actor), `${file}: ${actor}`).toBeDefined();
  });

  it('covers the actor a console execution gets by default', () => {
    const parsed = deploymentRequestSchema.parse({ service: 'web', image: `web@sha256:${'a'.repeat(64)}` });
    expect(reservedActorPrefix(parsed.actor)).toBe('console');
  });

  it.each([
    ['state-machine', 'state-machine'],
    ['STATE-MACHINE', 'state-machine'],
    ['alarm:web-5xx-rate', 'alarm'],
    ['alarm', 'alarm'],
    ['ecr-push', 'ecr-push'],
    ['console', 'console'],
    ['console/ana', 'console'],
    ['system', 'system'],
    ['system:cleanup', 'system'],
    ['recover-orphans', 'recover-orphans'],
    ['cutover local start', 'cutover'],
    ['operator', 'operator'],
    ['Operator', 'operator'],
  ])('%s is reserved (%s)', (actor, prefix) => {
    expect(reservedActorPrefix(actor)).toBe(prefix);
  });

  it.each([
    'operator:ana',
    'operator:state-machine',
    'arn:aws:iam::123456789012:user/ana',
    'arn:aws:sts::123456789012:assumed-role/Deployer/alarm',
    'alarmist',
    'systems-team',
    'consolez',
  ])('%s is a person', (actor) => {
    expect(reservedActorPrefix(actor)).toBeUndefined();
  });

  it('the CLI and the dashboard act as people', () => {
    expect(reservedActorPrefix(operatorActor())).toBeUndefined();
    expect(reservedActorPrefix(dashboardActor())).toBeUndefined();
  });
});
