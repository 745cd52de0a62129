import { KafkaConnectionError } from '../../../shared/kafka/errors.ts';
import { isRetriable } from '../../../shared/errors/index.ts';
import { KAFKA_ERRORS, KafkaProtocolError, KafkaUnsupportedVersionError, errorName, offsetFetchV8, protocolError } from '../../../shared/kafka/wire/index.ts';

describe('Kafka error codes', () => {
  it('names every code from -1 to 133, each name once', () => {
    const codes = Object.keys(KAFKA_ERRORS).map(Number).sort((a, b) => a - b);
    expect(codes).toEqual(Array.from({ length: 135 }, (_, i) => i - 1));
    const names = Object.values(KAFKA_ERRORS).map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names codes the way Kafka does, and unknown ones by number', () => {
    expect(errorName(16)).toBe('NOT_COORDINATOR');
    expect(errorName(69)).toBe('GROUP_ID_NOT_FOUND');
    expect(errorName(133)).toBe('SHARE_SESSION_LIMIT_REACHED');
    expect(errorName(999)).toBe('UNKNOWN_ERROR_CODE_999');
  });

  it('builds a protocol error with Kafka retriability, a KAFKA_ code and a message naming the context', () => {
    const moved = protocolError(16, "OffsetFetch for group 'orders'");
    expect(moved).toBeInstanceOf(KafkaProtocolError);
    expect(moved).toBeInstanceOf(KafkaConnectionError);
    expect(moved).toMatchObject({ errorCode: 16, errorName: 'NOT_COORDINATOR', code: 'KAFKA_NOT_COORDINATOR', retriable: true, name: 'KafkaProtocolError' });
    expect(moved.message).toBe("OffsetFetch for group 'orders': NOT_COORDINATOR (16)");
    const denied = protocolError(30, 'DescribeGroups', 'not allowed');
    expect(denied).toMatchObject({ retriable: false, code: 'KAFKA_GROUP_AUTHORIZATION_FAILED', message: 'DescribeGroups: GROUP_AUTHORIZATION_FAILED (30): not allowed' });
    expect(isRetriable(denied)).toBe(false);
    expect(protocolError(999, 'x', null)).toMatchObject({ retriable: false, message: 'x: UNKNOWN_ERROR_CODE_999 (999)' });
  });

  it('says a broker dropped a version when its range starts above ours', () => {
    const error = new KafkaUnsupportedVersionError(offsetFetchV8, 'b-1:9092', { min: 9, max: 12 });
    expect(error.message).toBe('Kafka broker b-1:9092 cannot serve OffsetFetch v8 (api key 9): it supports v9 to v12 only; the broker no longer accepts v8');
    expect(error).toMatchObject({ code: 'KAFKA_UNSUPPORTED_VERSION', retriable: false });
  });
});
