export { AwsEmulator, EMULATOR_CREDENTIALS } from './emulator.ts';
export type { AwsEmulatorOptions, AwsEmulatorState } from './emulator.ts';
export { ensureMoto, venvDir } from './venv.ts';
export { MOTO_VERSION } from './version.ts';
