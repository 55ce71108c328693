// The ports nearly every function wires the same way: the clock, and the adapters over
// Cutover's two tables; and, for a function that appends to the ledger, the key that signs
// each record. The rest each function wires itself, so that it bundles only what it uses.

import { processClock } from '../runtime/clock.js';
import type { Environment } from '../runtime/env.js';
import { tables } from './dynamodb-tables.js';
import { ledgerSigner } from './kms-ledger-keys.js';

/** The clock and the tables named in `env`. */
export function statePorts(env: Environment) {
  return { clock: processClock, ...tables(env) };
}

/** The same, and the ledger's signer: for a function that appends records. */
export function ledgerWriterPorts(env: Environment) {
  return { ...statePorts(env), signer: ledgerSigner(env) };
}
