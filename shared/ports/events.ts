// Port for publishing Cutover's own events. Adapter: shared/aws/eventbridge-events.ts.

import type { CutoverEvent } from '../domain/events.js';

export interface CutoverEvents {
  publish(event: CutoverEvent): Promise<void>;
}
