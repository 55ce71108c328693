// Every handler in functions/, built over the given ports: the same code that
// runs on Lambda, with in-memory fakes instead of AWS adapters.

import type { Catalog } from '../shared/domain/catalog-schema.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import type { LocalFunction } from '../local/stepfunctions/run.js';
import * as acquireLock from '../functions/acquire-lock.js';
import * as analyze from '../functions/analyze.js';
import * as allowTestTraffic from '../functions/allow-test-traffic.js';
import * as checkAlarms from '../functions/check-alarms.js';
import * as checkTaskSet from '../functions/check-task-set.js';
import * as cleanUp from '../functions/clean-up.js';
import * as createTaskSet from '../functions/create-task-set.js';
import * as promote from '../functions/promote.js';
import * as releaseLock from '../functions/release-lock.js';
import * as requestApproval from '../functions/request-approval.js';
import * as rollBack from '../functions/roll-back.js';
import * as runHook from '../functions/run-hook.js';
import * as scaleBatch from '../functions/scale-batch.js';
import * as shiftTraffic from '../functions/shift-traffic.js';
import * as startBake from '../functions/start-bake.js';
import * as validateInput from '../functions/validate-input.js';

export function handlersFor(catalog: Catalog, deps: EngineDeps): Record<string, LocalFunction> {
  const steps = {
    'acquire-lock': acquireLock,
    analyze,
    'allow-test-traffic': allowTestTraffic,
    'check-alarms': checkAlarms,
    'check-task-set': checkTaskSet,
    'clean-up': cleanUp,
    'create-task-set': createTaskSet,
    promote,
    'release-lock': releaseLock,
    'request-approval': requestApproval,
    'roll-back': rollBack,
    'run-hook': runHook,
    'scale-batch': scaleBatch,
    'shift-traffic': shiftTraffic,
    'start-bake': startBake,
  };
  const handlers: Record<string, LocalFunction> = {
    'validate-input': validateInput.createHandler(catalog) as LocalFunction,
  };
  for (const [name, module] of Object.entries(steps)) {
    handlers[name] = module.createHandler(deps) as LocalFunction;
  }
  return handlers;
}
