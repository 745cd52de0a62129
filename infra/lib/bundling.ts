// One definition of how every function is bundled, shared by the constructs
// (NodejsFunction) and bench/bundles.ts (raw esbuild), so the benchmark measures what
// deploys.
import type { BuildOptions } from 'esbuild';
import { DEAD_LETTER_SINK_DEFINES } from '../../shared/consumer/constants.ts';
import type { DeadLetterSinkKind } from '../../shared/consumer/dead-letter-sinks.ts';

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
 * Modules left out of the bundle: only the credential providers the SDK's default chain
 * (`@aws-sdk/credential-provider-node`) imports lazily, after `fromEnv` finds no credentials in
 * the environment. Lambda always sets `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/
 * `AWS_SESSION_TOKEN` from the execution role
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * so a function never loads them; bundled they cost ~130 KB (with the STS/SSO clients they
 * carry) and ~30 ms of every cold import. Should a chain ever get past `fromEnv` (the local
 * runtime with no credentials), the imports resolve like any runtime SDK package: from the
 * `nodejs24.x` runtime's SDK v3 in Lambda (every runtime client depends on them), from
 * node_modules locally (cdk.out is inside the repository).
 *
 * The rest of the SDK is bundled, not left to the runtime's copy (the CDK default): the
 * runtime's version moves with runtime updates while package.json pins the exact SDK we test
 * against, and bench/bundles.ts measures the bundled clients importing faster than the same
 * clients loaded from node_modules as separate files (its "SDK external" column).
 */
export const BUNDLE_EXTERNAL_MODULES: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
];

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

/** What varies between the bundles of the app's functions. */
export interface BundleSelection {
  /**
   * The dead-letter sinks the bundle contains: those the consumer's declaration names
   * (`deadLetter`). The others' modules, and the Kafka producer or SDK client they import,
   * are left out; configuring one anyway fails the cold start, naming `SCG_DEAD_LETTER`.
   * @default [] (no sink)
   */
  readonly deadLetterSinks?: readonly DeadLetterSinkKind[];
  /**
   * Whether the Secrets Manager client is bundled for the Kafka SCRAM secret
   * (`SCG_KAFKA_SECRET_ARN`): only when the declared cluster has a secret.
   * @default false
   */
  readonly kafkaSecret?: boolean;
  /**
   * Whether the S3 client is bundled for the offset reset's `fromFile` S3 objects: only
   * when the declaration grants `offsetReset.offsetFiles`.
   * @default false
   */
  readonly offsetFilesS3?: boolean;
}

/** The esbuild `define` identifiers of the optional AWS clients (see {@link BundleSelection}). */
export const OPTIONAL_CLIENT_DEFINES = {
  kafkaSecret: '__SCG_KAFKA_SECRET__',
  offsetFilesS3: '__SCG_OFFSET_FILES_S3__',
} as const;

/**
 * esbuild `define`s for `selection`: each `DEAD_LETTER_SINK_DEFINES` constant set to `true`
 * or `false`, so shared/consumer/dead-letter-sinks.ts drops the `import()` of unused sinks.
 * Harmless in functions that do not reference them.
 *
 * @example
 * bundleDefines({ deadLetterSinks: ['sqs'] }); // { __SCG_DEAD_LETTER_KAFKA__: 'false', __SCG_DEAD_LETTER_SQS__: 'true', ... }
 */
export function bundleDefines(selection: BundleSelection = {}): Record<string, string> {
  const sinks = new Set(selection.deadLetterSinks ?? []);
  return {
    ...Object.fromEntries(Object.entries(DEAD_LETTER_SINK_DEFINES).map(([kind, name]) => [name, String(sinks.has(kind as DeadLetterSinkKind))])),
    [OPTIONAL_CLIENT_DEFINES.kafkaSecret]: String(selection.kafkaSecret ?? false),
    [OPTIONAL_CLIENT_DEFINES.offsetFilesS3]: String(selection.offsetFilesS3 ?? false),
  };
}

/**
 * The esbuild options equivalent to the NodejsFunction bundling above, for tools that
 * call esbuild directly (bench/bundles.ts, the bundling test).
 *
 * @example
 * await build(esbuildOptions('/repo/functions/lag-monitor/handler.ts', '/tmp/out/index.mjs'));
 */
export function esbuildOptions(entry: string, outfile: string, selection: BundleSelection = {}): BuildOptions {
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
    define: bundleDefines(selection),
    logLevel: 'error',
  };
}
