/** The one place the AWS emulator's version is pinned (PyPI `moto[server]`). */
export const MOTO_VERSION = '5.2.5';
