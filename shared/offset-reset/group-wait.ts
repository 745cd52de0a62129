// Waiting for a group to be inactive before its offsets may be written.
import type { Group } from '../kafka/index.ts';
import { describeError, groupStatus, type GroupStatus, type ResetAdmin } from './admin.ts';
import { GroupNotEmptyError, ResetPlanError } from './errors.ts';
import type { Clock } from './types.ts';

/**
 * Polls DescribeGroups until the group is `Empty` or `Dead` with no members, then returns
 * it; at the deadline throws `GroupNotEmptyError` listing the members that remain. A
 * deadline of "now" checks once (kafka-consumer-groups.sh's guard).
 */
export async function waitForInactiveGroup(
  admin: ResetAdmin,
  groupId: string,
  deadlineMs: number,
  deps: { clock: Clock; pollIntervalMs: number; context: string },
): Promise<Group | undefined> {
  for (;;) {
    let status: GroupStatus;
    try {
      status = await groupStatus(admin, groupId);
    } catch (error) {
      throw new ResetPlanError(`describing group '${groupId}' failed: ${describeError(error)}`, { retriable: true, cause: error });
    }
    if (status.inactive) return status.group;
    if (deps.clock.now() >= deadlineMs) {
      const context = status.consumerProtocol
        ? `${deps.context} (a consumer-protocol (KIP-848) group: Kafka's DescribeGroups does not list its members)`
        : deps.context;
      throw new GroupNotEmptyError(groupId, status.state, status.members, context);
    }
    await deps.clock.sleep(deps.pollIntervalMs);
  }
}
