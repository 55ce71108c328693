// `cutover verify --offline FILE --public-key KEY`: checks a ledger export (`cutover releases
// <service> --export`) with public keys from PEM files, and nothing else: no API, no AWS, no
// network. The checks are the domain's (shared/domain/ledger-export.ts); this reads the files.

import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { BadInput } from './errors.js';
import { printJson, type Output } from './output.js';
import { printable } from './printable.js';
import {
  ledgerExportSchema,
  verifyExport,
  type ExportVerification,
  type LedgerExport,
} from '../shared/domain/ledger-export.js';
import { publicKeyFrom, signatureCheckAnyOf } from '../shared/domain/ledger-signature.js';

/** `-` reads standard input. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new BadInput(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

export function readExport(file: string): LedgerExport {
  let value: unknown;
  try {
    value = JSON.parse(readText(file, 'the export')) as unknown;
  } catch (error) {
    if (error instanceof BadInput) throw error;
    throw new BadInput(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = ledgerExportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length === 0 ? 'the document' : issue.path.join('.');
    throw new BadInput(
      `${file} is not a ledger export (cutover releases <service> --export): ${where}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** An EC public key in PEM (SubjectPublicKeyInfo), as `cutover ledger-key` prints it. */
export function readPublicKey(file: string): KeyObject {
  const text = readText(file, 'the public key');
  let key: KeyObject;
  try {
    key = publicKeyFrom(text);
  } catch (error) {
    throw new BadInput(`${file} is not a PEM public key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new BadInput(`${file} is not a P-256 (ECC_NIST_P256) public key, as the ledger key is`);
  }
  return key;
}

/** Checks the export; prints one line (or the JSON) and returns the exit code: 0 or 1. */
export function verifyOffline(exportFile: string, keyFiles: readonly string[], output: Output): number {
  const keys = keyFiles.map(readPublicKey);
  const exported = readExport(exportFile);
  const described =
    keyFiles.length === 1 ? `the public key ${keyFiles[0]}` : `any of the public keys ${keyFiles.join(', ')}`;
  const result = verifyExport(exported, signatureCheckAnyOf(keys, described));
  if (output.json) printJson(output, { service: exported.service, offline: true, ...result });
  else output.out(printable(summary(exported.service, result)));
  return result.ok ? 0 : 1;
}

function summary(service: string, result: ExportVerification): string {
  if (!result.ok) {
    return `✗ the ledger of ${service} is broken at seq ${result.seq ?? '?'}, ${result.problem}: ${result.message}`;
  }
  const head = result.head === null ? '' : `, head seq ${result.head.seq} ${result.head.hash.slice(0, 12)}`;
  const anchor =
    result.anchored === null
      ? '; it has no anchor, so removing its newest records would not show'
      : `, reaching the anchor at seq ${result.anchored.seq}`;
  return `✓ the ledger of ${service} verifies offline: ${result.count} records signed${head}${anchor}`;
}
