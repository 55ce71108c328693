// The local IAM (API version 2010-05-08, query protocol, like ELBv2): the read operations
// `cutover preflight` needs, GetRole and ListRoles, over the roles the local cloud plays (the
// packaged stack's per-function roles). Mount `service` on createAwsServer under
// `query['2010-05-08']` with IAM_NAMESPACE.
//
// Where it differs from AWS on purpose: the roles are fixed when it is made (no CreateRole),
// carry no policies in their answers, and their ids and creation dates are deterministic.

import { createHash } from 'node:crypto';
import { optionalNumber, optionalString, type LocalService } from './service.js';
import { AwsError } from '../errors.js';

export const IAM_API_VERSION = '2010-05-08';
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface LocalIamOptions {
  account: string;
  /** `arn:aws` unless said otherwise. */
  partition?: string;
  /** The roles that exist: names (path `/`), or role ARNs (`arn:aws:iam::<account>:role/<path>/<name>`). */
  roles: readonly string[];
  /** When the roles were created, as GetRole reports it (default: the epoch). */
  createdAt?: Date;
}

export interface LocalRole {
  Path: string;
  RoleName: string;
  RoleId: string;
  Arn: string;
  CreateDate: Date;
  MaxSessionDuration: number;
}

/** IAM's pattern for a role name (CreateRole's RoleName): 1 to 64 of `[\w+=,.@-]`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/;
const MAX_ITEMS = 1000;

export class LocalIamService {
  readonly service: LocalService;
  private readonly roles = new Map<string, LocalRole>();

  constructor(options: LocalIamOptions) {
    const partition = options.partition ?? 'arn:aws';
    for (const role of options.roles) {
      const { name, path } = parseRole(role, options.account);
      this.roles.set(name.toLowerCase(), {
        Path: path,
        RoleName: name,
        RoleId: roleId(options.account, name),
        Arn: `${partition}:iam::${options.account}:role${path}${name}`,
        CreateDate: options.createdAt ?? new Date(0),
        MaxSessionDuration: 3600,
      });
    }
    this.service = {
      name: 'iam',
      operations: {
        GetRole: (input) => ({ Role: this.getRole(input) }),
        ListRoles: (input) => this.listRoles(input),
      },
    };
  }

  /** The role's names, as given. */
  roleNames(): string[] {
    return [...this.roles.values()].map((role) => role.RoleName);
  }

  private getRole(input: Record<string, unknown>): LocalRole {
    const name = optionalString(input, 'RoleName');
    if (name === undefined || name === '') {
      throw new AwsError(
        'ValidationError',
        "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
      );
    }
    if (!ROLE_NAME.test(name)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    // Role names are unique regardless of case in IAM.
    const role = this.roles.get(name.toLowerCase());
    if (role === undefined) {
      throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    }
    return role;
  }

  private listRoles(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'PathPrefix') ?? '/';
    const maxItems = optionalNumber(input, 'MaxItems') ?? 100;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > MAX_ITEMS) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and ${MAX_ITEMS}`,
      );
    }
    const all = [...this.roles.values()]
      .filter((role) => role.Path.startsWith(prefix))
      .sort((a, b) => a.RoleName.localeCompare(b.RoleName));
    const marker = optionalString(input, 'Marker');
    const start = marker === undefined ? 0 : Number(marker);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw new AwsError('ValidationError', `Invalid Marker: ${marker ?? ''}`);
    }
    const page = all.slice(start, start + maxItems);
    const more = start + maxItems < all.length;
    return { Roles: page, IsTruncated: more, ...(more ? { Marker: String(start + maxItems) } : {}) };
  }
}

function parseRole(role: string, account: string): { name: string; path: string } {
  if (role.startsWith('arn:')) {
    const match = ROLE_ARN.exec(role);
    if (match === null)
      throw new Error(`${role} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    if (match[1] !== account) throw new Error(`${role} is not in the local account ${account}`);
    return { path: match[2]!, name: match[3]! };
  }
  if (!ROLE_NAME.test(role))
    throw new Error(`${role} is not an IAM role name (1 to 64 of letters, digits, +=,.@_-)`);
  return { path: '/', name: role };
}

/** `AROA` and 17 characters, as IAM's role ids look; the same for the same role. */
function roleId(account: string, name: string): string {
  const digest = createHash('sha256').update(`${account}/${name}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AROA';
  for (let i = 0; i < 17; i += 1) id += alphabet[digest[i]! % alphabet.length];
  return id;
}
