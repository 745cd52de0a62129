// `npm run bench -- <name> [args]` runs bench/<name>.ts; with no name, runs every benchmark.
// Each benchmark prints its figure beside a baseline measured in the same run.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (name !== undefined && !available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const bench of name === undefined ? available : [name]) {
  const mod = (await import(join(here, `${bench}.ts`))) as { run: (args: string[]) => Promise<void> };
  console.log(`\n== bench: ${bench} ==`);
  await mod.run(rest);
}
