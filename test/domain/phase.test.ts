// Every phase the engine records reads back as what it is, and text that is no phase reads as
// nothing, so a view never guesses from a string.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HOOK_NAMES } from '../../shared/domain/catalog-schema.js';
import { approvalPhase, phaseInfo, type Phase } from '../../shared/domain/phase.js';

describe('phaseInfo', () => {
  it('reads each kind of phase with the numbers and names its text carries', () => {
    const read: [Phase, unknown][] = [
      ['started', { kind: 'started' }],
      ['wait-healthy', { kind: 'wait-healthy' }],
      ['shift 30%', { kind: 'shift', weight: 30 }],
      ['batch 2 of 4', { kind: 'batch', batch: 2, of: 4 }],
      ['hook:BeforeAllowTraffic', { kind: 'hook', hook: 'BeforeAllowTraffic' }],
      [approvalPhase('approval required'), { kind: 'approval', because: 'approval required' }],
      [approvalPhase('analysis marginal'), { kind: 'approval', because: 'analysis marginal' }],
      ['rolled-back', { kind: 'rolled-back' }],
      ['done', { kind: 'done' }],
    ];
    for (const [phase, info] of read) expect(phaseInfo(phase), phase).toEqual(info);
  });

  it('reads every shift, batch and hook phase back to its numbers and name', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom(...HOOK_NAMES),
        (weight, of, hook) => {
          expect(phaseInfo(`shift ${weight}%`)).toEqual({ kind: 'shift', weight });
          expect(phaseInfo(`batch ${of} of ${of}`)).toEqual({ kind: 'batch', batch: of, of });
          expect(phaseInfo(`hook:${hook}`)).toEqual({ kind: 'hook', hook });
        },
      ),
    );
  });

  it('reads text that is no phase as nothing', () => {
    for (const text of [
      '',
      'shift',
      'shift 30',
      'shift -5%',
      'hook:Deploy',
      'create-task-set',
      'Bake',
      'batch 2',
    ])
      expect(phaseInfo(text), text).toBeUndefined();
  });
});
