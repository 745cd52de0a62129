/**
 * The one place the local broker's version is pinned. Changing it re-resolves the jars
 * into a new cache folder on the next start.
 */
export const KAFKA_VERSION = '4.4.0';
/** Kafka 4 logs through SLF4J 2; log4j2 is the backend the Apache distribution ships. */
export const LOG4J_VERSION = '2.25.5';
export const SLF4J_VERSION = '2.0.17';
/** Scala build of the broker artifact (`kafka_2.13`). */
export const SCALA_BINARY_VERSION = '2.13';
