// An Application Load Balancer on moto_server for the ELBv2 adapters' contract tests: its default
// VPC's subnets, a load balancer, an HTTP listener on port 80 whose default action forwards to a
// first target group, and more target groups on demand.

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { motoDefaultNetwork } from '../../harness/emulators.js';

export interface MotoLoadBalancer {
  listenerArn: string;
  /** The group the listener's default action forwards to. */
  firstGroup: string;
  /** A new target group of IP targets in the load balancer's VPC. */
  targetGroup(name: string): Promise<string>;
}

export async function motoLoadBalancer(
  endpoint: string,
  elb: ElasticLoadBalancingV2Client,
  name: string,
): Promise<MotoLoadBalancer> {
  const vpc = await motoDefaultNetwork(endpoint);
  const targetGroup = async (group: string) => {
    const output = await elb.send(
      new CreateTargetGroupCommand({
        Name: group,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: vpc.vpcId,
        TargetType: 'ip',
      }),
    );
    return output.TargetGroups?.[0]?.TargetGroupArn ?? '';
  };
  const loadBalancer = await elb.send(
    new CreateLoadBalancerCommand({ Name: name, Type: 'application', Subnets: vpc.subnets }),
  );
  const firstGroup = await targetGroup(`${name}-blue`);
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: loadBalancer.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: firstGroup }],
    }),
  );
  return { listenerArn: listener.Listeners?.[0]?.ListenerArn ?? '', firstGroup, targetGroup };
}
