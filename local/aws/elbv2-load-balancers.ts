// Application Load Balancers: validated from CreateLoadBalancer's parameters and described as AWS
// describes them. There is no EC2 here, so subnets and security groups are taken at their word:
// each subnet is put in its own Availability Zone (<region>a, <region>b, …), the VPC is the
// account's local default VPC, and the load balancer is `active` at once (AWS starts it
// `provisioning`).

import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { elbId, loadBalancerArn, type ElbScope } from './elbv2-arns.js';
import {
  list,
  optionalString,
  requiredString,
  stringList,
  structure,
  validationError,
  type Input,
} from './elbv2-input.js';

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  scheme: 'internet-facing' | 'internal';
  ipAddressType: string;
  subnets: string[];
  securityGroups: string[];
  vpcId: string;
  /** ms since the epoch. */
  createdTime: number;
}

/** The hosted zone of Application Load Balancers' DNS names, by region (us-east-1's elsewhere). */
const HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** A resource id such as `vpc-…` or `sg-…`, deterministic for the account and region. */
const localId = (prefix: string, scope: ElbScope, what: string) =>
  `${prefix}-${createHash('sha256').update(`${scope.region}:${scope.account}:${what}`).digest('hex').slice(0, 17)}`;

/** The VPC every local load balancer is in. */
export const localDefaultVpc = (scope: ElbScope) => localId('vpc', scope, 'default-vpc');

export function parseLoadBalancer(input: Input, scope: ElbScope, now: number): LoadBalancerRecord {
  const name = requiredString(input, 'Name');
  if (!NAME.test(name) || name.startsWith('internal-')) {
    throw validationError(
      `Load balancer name '${name}' must be 1 to 32 letters, digits and hyphens, not starting or ending with ` +
        "a hyphen, and not starting with 'internal-'",
    );
  }
  const type = optionalString(input, 'Type') ?? 'application';
  if (type !== 'application') {
    throw validationError(
      `Load balancer type '${type}' is not supported by the local cloud; use Type=application`,
    );
  }
  const scheme = optionalString(input, 'Scheme') ?? 'internet-facing';
  if (scheme !== 'internet-facing' && scheme !== 'internal') {
    throw validationError(`Scheme '${scheme}' must be internet-facing or internal`);
  }
  const mappings = list(input, 'SubnetMappings').map((mapping, i) =>
    requiredString(structure(mapping, `SubnetMappings.member.${i + 1}`), 'SubnetId'),
  );
  const subnets = [...stringList(input, 'Subnets'), ...mappings];
  if (new Set(subnets).size < 2) {
    throw validationError(
      'At least two subnets in two different Availability Zones must be specified (Subnets or SubnetMappings)',
    );
  }
  const securityGroups = stringList(input, 'SecurityGroups');
  return {
    arn: loadBalancerArn(scope, name),
    name,
    scheme,
    ipAddressType: optionalString(input, 'IpAddressType') ?? 'ipv4',
    subnets,
    securityGroups:
      securityGroups.length > 0 ? securityGroups : [localId('sg', scope, 'default-security-group')],
    vpcId: localDefaultVpc(scope),
    createdTime: now,
  };
}

/** Whether two load balancers were asked for with the same settings (creation time aside). */
export function sameLoadBalancerSettings(a: LoadBalancerRecord, b: LoadBalancerRecord): boolean {
  const settings = ({ createdTime: _time, subnets, securityGroups, ...rest }: LoadBalancerRecord) => ({
    ...rest,
    subnets: [...subnets].sort(),
    securityGroups: [...securityGroups].sort(),
  });
  return isDeepStrictEqual(settings(a), settings(b));
}

/** A load balancer as DescribeLoadBalancers answers. */
export function describeLoadBalancer(lb: LoadBalancerRecord, scope: ElbScope): Record<string, unknown> {
  const number = parseInt(elbId(lb.arn, 'dns').slice(0, 8), 16);
  const prefix = lb.scheme === 'internal' ? 'internal-' : '';
  return {
    LoadBalancerArn: lb.arn,
    DNSName: `${prefix}${lb.name}-${number}.${scope.region}.elb.amazonaws.com`,
    CanonicalHostedZoneId: HOSTED_ZONES[scope.region] ?? HOSTED_ZONES['us-east-1'],
    CreatedTime: new Date(lb.createdTime),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: 'application',
    AvailabilityZones: lb.subnets.map((subnet, i) => ({
      ZoneName: `${scope.region}${String.fromCharCode(97 + (i % 26))}`,
      SubnetId: subnet,
      LoadBalancerAddresses: [],
    })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: lb.ipAddressType,
  };
}
