// groupctl describe: kafka-consumer-groups.sh --describe (offsets by default, --members,
// --state), directly against Kafka or through the deployed function (--function-name).
import { parseArgs } from 'node:util';
import {
  describeGroup,
  formatDescribeMembers,
  formatDescribeOffsets,
  formatDescribeState,
  toJson,
  type GroupDescription,
  type Jsonified,
} from '../../shared/offset-reset/index.ts';
import { connectAdmin, invokeFunction } from './reset.ts';

export const summary = 'describe a group: offsets, log end and lag per partition (--members, --state)';

const USAGE = `usage: groupctl describe --group G [--members [--verbose] | --state] [--json]
  [--bootstrap-servers H:P] [--function-name NAME]

  (default)   GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
  --members   GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS (--verbose adds ASSIGNMENT)
  --state     GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS TOTAL-LAG`;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        group: { type: 'string' },
        members: { type: 'boolean' },
        state: { type: 'boolean' },
        verbose: { type: 'boolean' },
        json: { type: 'boolean' },
        'bootstrap-servers': { type: 'string' },
        'function-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.group) {
    console.error(`--group is required\n\n${USAGE}`);
    return 2;
  }
  if (values.members && values.state) {
    console.error(`--members and --state cannot be used together\n\n${USAGE}`);
    return 2;
  }
  try {
    let description: Jsonified<GroupDescription>;
    if (values['function-name']) {
      description = (await invokeFunction(values['function-name'], { action: 'describe', groupId: values.group })) as Jsonified<GroupDescription>;
    } else {
      const admin = await connectAdmin(values['bootstrap-servers']);
      try {
        description = toJson(await describeGroup(admin, values.group));
      } finally {
        await admin.close();
      }
    }
    if (values.json) console.log(JSON.stringify(description, null, 2));
    else if (values.members) console.log(formatDescribeMembers(description, values.verbose === true));
    else if (values.state) console.log(formatDescribeState(description));
    else console.log(formatDescribeOffsets(description));
    return 0;
  } catch (error) {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
