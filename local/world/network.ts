// The local cloud's VPC, as far as ECS sees it: the subnets (one per availability zone) and the
// security group that every seeded service's tasks run in, with the awsvpc network mode that
// Fargate requires. Task sets created later copy the primary's, as Cutover does on AWS.

import { ec2Id } from '../aws/ecs-ids.js';

export const LOCAL_SUBNETS = ['a', 'b', 'c'].map((zone) => ec2Id('subnet', `private-${zone}`));

export const LOCAL_SECURITY_GROUP = ec2Id('sg', 'services');

/** A task set's network configuration in the local VPC (private subnets, no public IP). */
export const LOCAL_NETWORK_CONFIGURATION = {
  awsvpcConfiguration: {
    subnets: LOCAL_SUBNETS,
    securityGroups: [LOCAL_SECURITY_GROUP],
    assignPublicIp: 'DISABLED',
  },
};
