// KMS aliases: CreateAlias (an alias names a key by id or key ARN, never another alias, and
// not a key pending deletion; `alias/aws/` is AWS's) and ListAliases (all, or one key's, paged).

import type { KmsKeyStore } from './kms-keys.js';
import { checkAliasName, invalid } from './kms-input.js';
import { optionalNumber, optionalString, requireString } from './service.js';
import { AwsError } from '../errors.js';

export function createAlias(keys: KmsKeyStore, input: Record<string, unknown>, now: number) {
  const aliasName = requireString(input, 'AliasName');
  checkAliasName(aliasName);
  const target = requireString(input, 'TargetKeyId');
  if (target.startsWith('alias/') || target.includes(':alias/'))
    throw invalid('TargetKeyId must be a key id or key ARN, not an alias');
  const key = keys.find(target, false);
  if (key.state === 'PendingDeletion')
    throw new AwsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  if (keys.alias(aliasName) !== undefined)
    throw new AwsError(
      'AlreadyExistsException',
      `An alias with the name ${keys.aliasArn(aliasName)} already exists`,
    );
  keys.saveAlias({ aliasName, targetKeyId: key.keyId, createdAt: now, updatedAt: now });
  return {};
}

export function listAliases(keys: KmsKeyStore, input: Record<string, unknown>) {
  const keyId = optionalString(input, 'KeyId');
  const limit = optionalNumber(input, 'Limit') ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('Limit must be between 1 and 100');
  const only = keyId === undefined ? undefined : keys.find(keyId, false).keyId;
  const all = keys.allAliases().filter((a) => only === undefined || a.targetKeyId === only);
  const marker = optionalString(input, 'Marker');
  const start = marker === undefined ? 0 : all.findIndex((a) => a.aliasName > marker);
  const page = start < 0 ? [] : all.slice(start, start + limit);
  const truncated = start >= 0 && start + limit < all.length;
  return {
    Aliases: page.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: keys.aliasArn(a.aliasName),
      TargetKeyId: a.targetKeyId,
      CreationDate: new Date(a.createdAt),
      LastUpdatedDate: new Date(a.updatedAt),
    })),
    Truncated: truncated,
    ...(truncated ? { NextMarker: page.at(-1)!.aliasName } : {}),
  };
}
