export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__SCG_SERVICES__;
  await Promise.all([services?.kafka?.stop(), services?.aws?.stop()]);
}
