import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceStartError } from '../support/errors.ts';
import { cacheDir } from '../support/paths.ts';
import { runCommand as run } from '../support/processes.ts';
import { requireTool } from '../support/prereqs.ts';
import { KAFKA_VERSION, LOG4J_VERSION, SCALA_BINARY_VERSION, SLF4J_VERSION } from './version.ts';

// The dependency plugin is pinned so resolution does not depend on Maven's defaults.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

function pom(): string {
  const dep = (g: string, a: string, v: string, extra = ''): string =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version>${extra}</dependency>`;
  // kafka-tools brings ConsumerGroupCommand (kafka-consumer-groups.sh), the baseline the
  // lag benchmark measures against. Its Connect/Jetty dependencies are not needed to run
  // the broker or that command, and some Jetty versions it names are missing from
  // mirrors, so they are excluded.
  const noJetty =
    '<exclusions><exclusion><groupId>org.eclipse.jetty</groupId><artifactId>*</artifactId></exclusion>' +
    '<exclusion><groupId>org.eclipse.jetty.ee10</groupId><artifactId>*</artifactId></exclusion></exclusions>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.serverless-consumer-groups</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dep('org.apache.kafka', `kafka_${SCALA_BINARY_VERSION}`, KAFKA_VERSION)}
    ${dep('org.apache.kafka', 'kafka-tools', KAFKA_VERSION, noJetty)}
    ${dep('org.slf4j', 'slf4j-api', SLF4J_VERSION)}
    ${dep('org.apache.logging.log4j', 'log4j-slf4j2-impl', LOG4J_VERSION)}
    ${dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
  </dependencies>
</project>
`;
}

const LOG4J2_PROPERTIES = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
# The state-change and request loggers are noisy at INFO and say nothing a test needs.
logger.stateChange.name = state.change.logger
logger.stateChange.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
`;

export interface KafkaDistribution {
  /** Java classpath (`<libs>/*`). */
  classpath: string;
  /** log4j2 configuration file for the broker and tools. */
  log4jConfig: string;
  version: string;
}

/**
 * Resolves the broker jars with Maven once into the cache (`~/.cache/serverless-consumer-groups/kafka-<version>`)
 * and returns the classpath. Concurrent callers (two test runs, the CLI) wait for one
 * resolution instead of racing.
 */
export async function resolveKafkaDistribution(options: { log?: (line: string) => void } = {}): Promise<KafkaDistribution> {
  const home = join(cacheDir(), `kafka-${KAFKA_VERSION}`);
  const libs = join(home, 'libs');
  const done = join(home, '.complete');
  const log4jConfig = join(home, 'log4j2.properties');
  const result = { classpath: join(libs, '*'), log4jConfig, version: KAFKA_VERSION };
  requireTool('java');
  if (existsSync(done)) return result;

  requireTool('mvn');
  mkdirSync(home, { recursive: true });
  const lock = join(home, '.lock');
  await acquireLock(lock);
  try {
    if (existsSync(done)) return result;
    options.log?.(`resolving Apache Kafka ${KAFKA_VERSION} jars with Maven into ${home} (first run only)`);
    rmSync(libs, { recursive: true, force: true });
    writeFileSync(join(home, 'pom.xml'), pom());
    writeFileSync(log4jConfig, LOG4J2_PROPERTIES);
    const output = await run('mvn', ['-B', '-q', '-f', join(home, 'pom.xml'), `${DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${libs}`, '-DincludeScope=runtime']);
    if (output.code !== 0 || !existsSync(libs) || readdirSync(libs).length === 0) {
      throw new ServiceStartError(`Maven could not resolve Apache Kafka ${KAFKA_VERSION} (exit ${output.code})`, output.text.split('\n').slice(-30).join('\n'));
    }
    writeFileSync(done, new Date().toISOString());
    return result;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function acquireLock(lock: string): Promise<void> {
  // mkdir is atomic: whoever creates the directory holds the lock. A lock older than
  // 15 minutes belongs to a resolution that died.
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      if (waited > 15 * 60_000) {
        rmSync(lock, { recursive: true, force: true });
        waited = 0;
      }
      await sleep(500);
    }
  }
}
