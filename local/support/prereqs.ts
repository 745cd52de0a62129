import { spawnSync } from 'node:child_process';
import { PrerequisiteError } from './errors.ts';

interface Tool {
  command: string;
  args: string[];
  /** Extracts [major, minor] from the tool's version output. */
  parse(output: string): [number, number] | undefined;
  minimum: [number, number];
  purpose: string;
  hint: string;
}

const TOOLS = {
  java: {
    command: 'java',
    args: ['-version'],
    // `openjdk version "17.0.15"` / `java version "1.8.0_392"`
    parse: (out: string) => {
      const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
      if (!m) return undefined;
      const major = Number(m[1]);
      return major === 1 ? [Number(m[2]), 0] : [major, 0];
    },
    minimum: [17, 0],
    purpose: 'runs the local Apache Kafka broker',
    hint: 'install a JDK 17 or newer (e.g. Debian: apt-get install openjdk-17-jre-headless) and put `java` on PATH',
  },
  mvn: {
    command: 'mvn',
    args: ['-v'],
    parse: (out: string) => {
      const m = /Apache Maven (\d+)\.(\d+)/.exec(out);
      return m ? [Number(m[1]), Number(m[2])] : undefined;
    },
    minimum: [3, 6],
    purpose: 'resolves the Kafka broker jars (once, into a cache)',
    hint: 'install Apache Maven 3.6 or newer (e.g. Debian: apt-get install maven) and put `mvn` on PATH',
  },
  python: {
    command: 'python3',
    args: ['--version'],
    parse: (out: string) => {
      const m = /Python (\d+)\.(\d+)/.exec(out);
      return m ? [Number(m[1]), Number(m[2])] : undefined;
    },
    minimum: [3, 10],
    purpose: 'runs the AWS emulator (moto) in a project-local virtualenv',
    hint: 'install Python 3.10 or newer with the venv module (e.g. Debian: apt-get install python3 python3-venv)',
  },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

/**
 * Fails fast, before anything starts, when a tool is missing or too old, naming the tool,
 * what it is for and the version needed.
 */
export function requireTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): void {
  const tool: Tool = TOOLS[name];
  const result = spawnSync(tool.command, tool.args, { encoding: 'utf8', env });
  const needed = `${tool.minimum[0]}.${tool.minimum[1]}`;
  if (result.error) {
    throw new PrerequisiteError(
      `\`${tool.command}\` was not found on PATH; version ${needed} or newer is needed (it ${tool.purpose}). Fix: ${tool.hint}.`,
    );
  }
  const version = tool.parse(`${result.stdout}\n${result.stderr}`);
  if (!version) {
    throw new PrerequisiteError(`could not read the version of \`${tool.command}\` (it ${tool.purpose}); ${needed} or newer is needed.`);
  }
  const [major, minor] = version;
  if (major < tool.minimum[0] || (major === tool.minimum[0] && minor < tool.minimum[1])) {
    throw new PrerequisiteError(
      `\`${tool.command}\` is version ${major}.${minor}; version ${needed} or newer is needed (it ${tool.purpose}). Fix: ${tool.hint}.`,
    );
  }
}
