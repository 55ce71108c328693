// Starting an execution as Cutover does: vouch for it first (its trigger and actor), so its
// first step can tell it from one started by hand, whose actor is only claimed (begin.ts).

import type { StateMachineName } from '../ports/executions.js';
import type { EngineDeps } from './deps.js';

export async function startVouched(
  deps: Pick<EngineDeps, 'executions' | 'vouchers'>,
  machine: StateMachineName,
  name: string,
  input: { trigger?: unknown; actor?: unknown } & Record<string, unknown>,
): Promise<'started' | 'exists'> {
  await deps.vouchers.vouch(name, { trigger: String(input.trigger), actor: String(input.actor) });
  return deps.executions.start(machine, name, input);
}
