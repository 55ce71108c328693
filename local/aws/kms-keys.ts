// The local KMS's keys and aliases, kept in the data folder: one file per key
// (`kms/<keyId>.json`, mode 0600, as it holds the private key) and one for the aliases, so
// a key signs with the same material after a restart. Keys are found by id, key ARN,
// alias name or alias ARN, as KMS resolves a KeyId.

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably } from '../durable-file.js';
import { AwsError } from '../errors.js';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface StoredKey {
  keyId: string;
  arn: string;
  createdAt: number;
  description: string;
  keySpec: 'ECC_NIST_P256';
  keyUsage: 'SIGN_VERIFY';
  state: KeyState;
  /** When a key pending deletion is deleted (epoch ms). */
  deletionDate?: number;
  /** The key policy document, as JSON text. */
  policy: string;
  /** PKCS#8 PEM. */
  privateKey: string;
  /** The template resource this key was created for, if any (its logical id). */
  logicalId?: string;
}

export interface StoredAlias {
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}

export interface KeyScope {
  partition: string;
  region: string;
  account: string;
}

export class KmsKeyStore {
  private readonly keys = new Map<string, StoredKey>();
  private readonly aliases = new Map<string, StoredAlias>();
  private readonly folder: string;

  constructor(
    dataDir: string,
    readonly scope: KeyScope,
    private readonly now: () => number,
  ) {
    this.folder = join(dataDir, 'kms');
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(this.folder)) {
      if (!/^[0-9a-f-]{36}\.json$/.test(file)) continue;
      const key = JSON.parse(readFileSync(join(this.folder, file), 'utf8')) as StoredKey;
      this.keys.set(key.keyId, key);
    }
    const aliasFile = join(this.folder, 'aliases.json');
    if (existsSync(aliasFile)) {
      for (const alias of JSON.parse(readFileSync(aliasFile, 'utf8')) as StoredAlias[])
        this.aliases.set(alias.aliasName, alias);
    }
  }

  keyArn(keyId: string): string {
    const { partition, region, account } = this.scope;
    return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
  }

  aliasArn(aliasName: string): string {
    const { partition, region, account } = this.scope;
    return `arn:${partition}:kms:${region}:${account}:${aliasName}`;
  }

  /** Saves a key (new or changed) to its own file, readable by this user only. */
  save(key: StoredKey): void {
    this.keys.set(key.keyId, key);
    writeDurably(join(this.folder, `${key.keyId}.json`), JSON.stringify(key));
  }

  saveAlias(alias: StoredAlias): void {
    this.aliases.set(alias.aliasName, alias);
    this.writeAliases();
  }

  /** An alias, unless its key has been deleted (KMS deletes a key's aliases with it). */
  alias(aliasName: string): StoredAlias | undefined {
    const alias = this.aliases.get(aliasName);
    const key = alias === undefined ? undefined : this.keys.get(alias.targetKeyId);
    return key !== undefined && this.exists(key) ? alias : undefined;
  }

  allAliases(): StoredAlias[] {
    return [...this.aliases.keys()]
      .flatMap((name) => this.alias(name) ?? [])
      .sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  byLogicalId(logicalId: string): StoredKey | undefined {
    return [...this.keys.values()].find((k) => k.logicalId === logicalId && this.exists(k));
  }

  /**
   * The key a KeyId names (key id, key ARN, and, where `aliases` is true, alias name or alias
   * ARN), or NotFoundException as KMS answers. A key whose deletion date has passed is gone.
   */
  find(keyId: string, aliases: boolean): StoredKey {
    const found = this.lookup(keyId, aliases);
    if (found === undefined || !this.exists(found))
      throw new AwsError('NotFoundException', `Key '${this.describeId(keyId)}' does not exist`);
    return found;
  }

  /** The key ARN a KeyId resolves to, if it names a key (for IAM, which authorizes against the key). */
  resolveArn(keyId: string): string | undefined {
    const found = this.lookup(keyId, true);
    return found === undefined ? undefined : found.arn;
  }

  private lookup(keyId: string, aliases: boolean): StoredKey | undefined {
    const prefix = `arn:${this.scope.partition}:kms:${this.scope.region}:${this.scope.account}:`;
    let id = keyId;
    if (id.startsWith('arn:')) {
      if (!id.startsWith(prefix)) return undefined;
      id = id.slice(prefix.length);
      if (id.startsWith('key/')) id = id.slice(4);
      else if (!id.startsWith('alias/')) return undefined;
    }
    if (id.startsWith('alias/')) {
      if (!aliases) return undefined;
      const alias = this.alias(id);
      return alias === undefined ? undefined : this.keys.get(alias.targetKeyId);
    }
    return this.keys.get(id);
  }

  private exists(key: StoredKey): boolean {
    return key.deletionDate === undefined || key.deletionDate > this.now();
  }

  private describeId(keyId: string): string {
    return keyId.startsWith('arn:') || keyId.startsWith('alias/') ? keyId : this.keyArn(keyId);
  }

  private writeAliases(): void {
    writeDurably(join(this.folder, 'aliases.json'), JSON.stringify(this.allAliases()));
  }
}
