#!/usr/bin/env node
// groupctl: operator commands for consumer groups. Each subcommand lives in
// cli/commands/<name>.ts and exports `run(argv: string[]): Promise<number>` (exit code)
// and a one-line `summary`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...argv] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || !names.includes(name)) {
  const lines: string[] = [];
  for (const n of names) {
    const cmd = (await import(join(dir, `${n}.ts`))) as Command;
    lines.push(`  ${n.padEnd(10)} ${cmd.summary}`);
  }
  const unknown = name !== undefined && name !== '--help' && name !== '-h';
  (unknown ? console.error : console.log)(
    `${unknown ? `unknown command "${name}"\n` : ''}usage: groupctl <command> [options]\n\ncommands:\n${lines.join('\n')}`,
  );
  process.exit(unknown ? 2 : 0);
}
const cmd = (await import(join(dir, `${name}.ts`))) as Command;
process.exitCode = await cmd.run(argv);
