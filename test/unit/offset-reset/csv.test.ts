import fc from 'fast-check';
import { OffsetResetInputError, exportPlanCsv, parseOffsetsCsv } from '../../../shared/offset-reset/index.ts';

const topicName = fc.stringMatching(/^[a-zA-Z0-9._-]{1,40}$/);
const rows = fc.uniqueArray(fc.record({ topic: topicName, partition: fc.nat(5_000), offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }) }), {
  selector: (r) => `${r.topic}-${r.partition}`,
  minLength: 1,
  maxLength: 50,
});

function issuesOf(text: string, group = 'email'): string[] {
  try {
    parseOffsetsCsv(text, group);
  } catch (error) {
    if (error instanceof OffsetResetInputError) return error.issues.map((i) => `${i.field}: ${i.message}`);
    throw error;
  }
  throw new Error('expected an OffsetResetInputError');
}

describe('offsets CSV', () => {
  it('reads back exactly what --export wrote', () => {
    fc.assert(
      fc.property(rows, (list) => {
        const csv = exportPlanCsv({ partitions: list.map((r) => ({ topic: r.topic, partition: r.partition, target: r.offset })) });
        expect(parseOffsetsCsv(csv, 'email')).toEqual(list);
      }),
    );
  });

  it('writes one topic,partition,offset line per partition with no header, as kafka-consumer-groups.sh does', () => {
    expect(exportPlanCsv({ partitions: [{ topic: 'orders', partition: 0, target: 42n }, { topic: 'orders', partition: 1, target: '7' }] })).toBe(
      'orders,0,42\norders,1,7\n',
    );
  });

  it('accepts a header, blank lines, CRLF and spaces', () => {
    expect(parseOffsetsCsv('topic,partition,offset\r\n orders , 0 , 5 \r\n\r\norders,1,6', 'email')).toEqual([
      { topic: 'orders', partition: 0, offset: 5n },
      { topic: 'orders', partition: 1, offset: 6n },
    ]);
  });

  it('takes only the group\'s rows from the four-column form', () => {
    expect(parseOffsetsCsv('email,orders,0,5\naudit,orders,0,9\n', 'email')).toEqual([{ topic: 'orders', partition: 0, offset: 5n }]);
    expect(issuesOf('audit,orders,0,9\n')).toEqual([expect.stringMatching(/no reset plan for group 'email' found/)]);
  });

  it.each([
    ['orders,0\n', /line 1: expected topic,partition,offset/],
    ['orders,x,5\n', /line 1: partition "x"/],
    ['orders,0,-5\n', /line 1: offset "-5"/],
    ['orders,0,9223372036854775808\n', /line 1: offset/],
    ['or ders,0,5\n', /line 1: "or ders" is not a valid topic name/],
    ['orders,0,5\norders,0,6\n', /line 2: orders-0 already given on line 1/],
    ['orders,0,5\nemail,orders,1,6\n', /line 2: 4 columns where earlier lines have 3/],
    ['\n\n', /has no rows/],
  ])('rejects %j, naming strategy.fromFile and the line', (text, message) => {
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^strategy\.fromFile: /);
    expect(issues[0]).toMatch(message);
  });
});
