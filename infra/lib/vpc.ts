import { Stack } from 'aws-cdk-lib';
import { SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { VpcDeclaration } from '../config/types.ts';

/** A VPC, the subnets to use in it and the security groups to attach. */
export interface VpcPlacement {
  readonly vpc: IVpc;
  readonly subnets: readonly ISubnet[];
  readonly securityGroups: readonly ISecurityGroup[];
}

/**
 * Imports a declared VPC without `fromLookup`: ids only, so synth needs no context
 * lookups and no credentials. Availability zones are the stack's (tokens when the stack
 * is environment-agnostic); nothing here selects subnets by zone.
 *
 * @example
 * const placement = importVpcPlacement(this, 'KafkaVpc', declaration.cluster.vpc);
 */
export function importVpcPlacement(scope: Construct, id: string, decl: VpcDeclaration): VpcPlacement {
  const holder = new Construct(scope, id);
  const vpc = Vpc.fromVpcAttributes(holder, 'Vpc', { vpcId: decl.vpcId, availabilityZones: Stack.of(scope).availabilityZones });
  const subnets = decl.subnetIds.map((subnetId) => Subnet.fromSubnetId(holder, subnetId, subnetId));
  // Immutable: we attach existing groups, we do not add rules to someone else's group.
  const securityGroups = decl.securityGroupIds.map((sg) => SecurityGroup.fromSecurityGroupId(holder, sg, sg, { mutable: false }));
  return { vpc, subnets, securityGroups };
}
