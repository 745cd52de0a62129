// One definition of how every function is bundled, shared by the constructs
// (NodejsFunction) and bench/bundles.ts (raw esbuild), so the benchmark measures what
// deploys.
import type { BuildOptions } from 'esbuild';

/** esbuild target: the `nodejs24.x` runtime. */
export const BUNDLE_TARGET = 'node24';

/** Prefer packages' ESM builds (tree-shakeable) over their CommonJS ones. */
export const BUNDLE_MAIN_FIELDS: readonly string[] = ['module', 'main'];

/**
 * An ESM bundle has no `require`, yet CommonJS dependencies inlined by esbuild still call
 * `require('buffer')` and friends; without a real `require` they fail with "Dynamic
 * require of ... is not supported". `createRequire` gives them Node's own.
 */
export const BUNDLE_REQUIRE_BANNER = "import { createRequire as __scgCreateRequire } from 'node:module'; const require = __scgCreateRequire(import.meta.url);";

/**
 * Modules left out of the bundle: none. The `nodejs24.x` runtime ships an AWS SDK v3,
 * but its version moves with runtime updates, while package.json pins the exact SDK we
 * test against; bundling it keeps Lambda, the local runtime and the tests on the same
 * code, and esbuild keeps only the commands we use (the runtime copy loads whole
 * CommonJS clients). The cost is asset size, which bench/bundles.ts keeps under watch.
 */
export const BUNDLE_EXTERNAL_MODULES: readonly string[] = [];

/**
 * `NODE_OPTIONS` of every function. `--enable-source-maps` makes stack traces point at
 * the TypeScript sources through the bundle's source map (NodejsFunction does not set it
 * for us); bench/bundles.ts measures imports with it, so its start-up cost is counted.
 */
export const BUNDLE_NODE_OPTIONS = '--enable-source-maps';

/**
 * Imports rewritten while bundling. @platformatic/kafka's compression codecs come from
 * `@platformatic/wasm-utils`, whose entry reads `../dist/native.wasm` next to itself at
 * import time: inside a bundle that path points outside the asset and the function dies
 * at cold start with ENOENT. The package's `bundled` entry carries the same module
 * inlined (same exports), so the bundle is self-contained.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled',
};

/**
 * The esbuild options equivalent to the NodejsFunction bundling above, for tools that
 * call esbuild directly (bench/bundles.ts, the bundling test).
 *
 * @example
 * await build(esbuildOptions('/repo/functions/lag-monitor/handler.ts', '/tmp/out/index.mjs'));
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: [...BUNDLE_MAIN_FIELDS],
    banner: { js: BUNDLE_REQUIRE_BANNER },
    external: [...BUNDLE_EXTERNAL_MODULES],
    alias: { ...BUNDLE_ALIASES },
    logLevel: 'error',
  };
}
