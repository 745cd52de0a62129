// The Kafka protocol's primitive types: `Writer` for requests, `Reader` for responses.
// https://kafka.apache.org/protocol#protocol_types
export { Reader } from './reader.ts';
export { Writer } from './writer.ts';
