// Printing of the lag benchmark's runs under an added network round-trip time
// (bench/lag.ts): one table per RTT, then the ≥ N× target for every RTT side by side.
import type { RttCalibration } from './rtt-probe.ts';

/** One approach's figures in one phase (a subset of bench/lag.ts's Measure). */
export interface PhaseMeasure {
  readonly coldMs: number;
  readonly warmMs: number;
  readonly requests: number;
  readonly totalLag: bigint;
  readonly emfDocuments?: number;
  /** Every timed run, in round order (run i of every approach ran in round i). */
  readonly warmRuns?: readonly number[];
}

/**
 * The ratio `baseline / ours` round by round, as quartiles: the two ran in the same round,
 * so a slow spell of the machine (here cycle times drift by ±30% between minutes) hits
 * both. Shows how far the ratio of medians can be trusted; undefined without runs.
 */
export function pairedRatios(baseline: PhaseMeasure, ours: PhaseMeasure): { p25: number; median: number; p75: number } | undefined {
  const a = baseline.warmRuns;
  const b = ours.warmRuns;
  if (a === undefined || b === undefined || a.length === 0 || a.length !== b.length) return undefined;
  const sorted = a.map((ms, i) => ms / b[i]!).sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p25: at(0.25), median: at(0.5), p75: at(0.75) };
}

/** `round by round: median 10.2× (p25 9.1×, p75 11.4×)`, or nothing without runs. */
export function pairedRatioText(baseline: PhaseMeasure, ours: PhaseMeasure): string {
  const r = pairedRatios(baseline, ours);
  return r === undefined ? '' : `round by round: median ${r.median.toFixed(1)}× (p25 ${r.p25.toFixed(1)}×, p75 ${r.p75.toFixed(1)}×)`;
}

/** Every figure measured at one RTT (or on loopback, without `calibration`). */
export interface RttPhase {
  readonly label: string;
  readonly calibration?: RttCalibration;
  readonly ours: PhaseMeasure;
  readonly collectOnly: PhaseMeasure;
  readonly sequential: PhaseMeasure;
  readonly concurrent: PhaseMeasure;
  /** EMF publishing alone (CPU only, so measured once, on loopback). */
  readonly publishMs: number;
}

/**
 * PASS/FAIL for the issue's target, (a) as it says: one call after another. The
 * Promise.all variant is a stronger baseline than the target names: its ratio is shown
 * for information, without a verdict.
 */
const verdict = (ok: boolean, target = true): string => (!target ? 'info' : ok ? 'PASS' : 'FAIL');

const ratios = (p: RttPhase): Array<{ label: string; ratio: number; target: boolean }> => [
  { label: 'vs (a) sequential, full cycle', ratio: p.sequential.warmMs / p.ours.warmMs, target: true },
  { label: 'vs (a) sequential, collection only', ratio: p.sequential.warmMs / p.collectOnly.warmMs, target: true },
  { label: 'vs (a) Promise.all, full cycle', ratio: p.concurrent.warmMs / p.ours.warmMs, target: false },
  { label: 'vs (a) Promise.all, collection only', ratio: p.concurrent.warmMs / p.collectOnly.warmMs, target: false },
];

/** Publishing's share of the full cycle, and whether it outweighs all of the Kafka collection. */
function publishingNote(p: RttPhase): string {
  const share = `EMF publishing: ${p.publishMs.toFixed(1)} ms = ${((100 * p.publishMs) / p.ours.warmMs).toFixed(0)}% of the full cycle (${p.ours.warmMs.toFixed(0)} ms); collection only: ${p.collectOnly.warmMs.toFixed(0)} ms`;
  return p.publishMs >= p.collectOnly.warmMs
    ? `${share}.\n  Publishing the EMF documents costs more than collecting every group's lag from Kafka: at this RTT it dominates the full cycle, and the full-cycle ratio measures Powertools' serialization, not requests.`
    : `${share}.`;
}

/** The table and targets of one RTT phase. */
export function printRttPhase(p: RttPhase, log: (line: string) => void, target: number, expectedLag: bigint): void {
  const c = p.calibration;
  log('');
  log(c ? `== ${p.label}: ours and (a) behind the latency proxy ==` : `== ${p.label}: ours and (a) on the loopback listener again, after the RTT runs (new clients, warm JITs) ==`);
  if (c) {
    log(
      `added round trip, measured: ${c.addedMs.toFixed(2)} ms (target ${c.targetMs} ms; ApiVersions v0 medians ${c.proxiedMs.toFixed(2)} ms via proxy,` +
        ` ${c.directMs.toFixed(2)} ms direct; proxy delay set to ${c.configuredMs.toFixed(2)} ms to absorb its own cost)`,
    );
  }
  const fmt = (n: number): string => n.toFixed(0).padStart(9);
  const row = (name: string, m: PhaseMeasure): string => `${name.padEnd(58)}${fmt(m.coldMs)}${fmt(m.warmMs).padStart(11)}${String(m.requests).padStart(10)}${String(m.totalLag).padStart(12)}`;
  log(`${'approach'.padEnd(58)}${'cold ms'.padStart(9)}${'warm ms'.padStart(11)}${'requests'.padStart(10)}${'total lag'.padStart(12)}`);
  log(row('ours: LagMonitor.runCycle (full cycle, in-memory state)', p.ours));
  log(row('ours: collectLag + partition lag only (what (a) computes)', p.collectOnly));
  log(row('(a) kafkajs, sequential', p.sequential));
  log(row('(a) kafkajs, concurrent (Promise.all)', p.concurrent));
  log(`  ${publishingNote(p)}`);
  log(`targets (computed from this run at ${p.label}):`);
  const agree = [p.ours, p.collectOnly, p.sequential, p.concurrent].every((m) => m.totalLag === expectedLag);
  log(`  ${'all approaches report the loopback total lag'.padEnd(76, '.')} ${verdict(agree)}`);
  for (const r of ratios(p)) log(`  ${`${r.target ? `≥ ${target}× faster ` : ''}${r.label}, warm: ${r.ratio.toFixed(1)}×`.padEnd(76, '.')} ${verdict(r.ratio >= target, r.target)}`);
  const paired = pairedRatioText(p.sequential, p.ours);
  if (paired !== '') log(`  (a) sequential / ours full cycle, ${paired}`);
}

/** The ≥ `target`× verdicts of every phase side by side. */
export function printTargetMatrix(phases: readonly RttPhase[], log: (line: string) => void, target: number): void {
  const width = 16;
  const cell = (text: string): string => text.padStart(width);
  log('');
  log(`== ≥ ${target}× faster than (a), per round-trip time (warm medians; ratio = (a) time / ours) ==`);
  log(`${''.padEnd(40)}${phases.map((p) => cell(p.label)).join('')}`);
  log(`${'added RTT, measured'.padEnd(40)}${phases.map((p) => cell(p.calibration ? `${p.calibration.addedMs.toFixed(2)} ms` : '0')).join('')}`);
  const rows = phases.map(ratios);
  for (let i = 0; i < rows[0]!.length; i++) {
    log(`${rows[0]![i]!.label.padEnd(40)}${rows.map((r) => cell(`${r[i]!.ratio.toFixed(1)}× ${verdict(r[i]!.ratio >= target, r[i]!.target)}`)).join('')}`);
  }
  log(`${'ours full / collection only, ms'.padEnd(40)}${phases.map((p) => cell(`${p.ours.warmMs.toFixed(0)} / ${p.collectOnly.warmMs.toFixed(0)}`)).join('')}`);
  log(`${'(a) sequential / Promise.all, ms'.padEnd(40)}${phases.map((p) => cell(`${p.sequential.warmMs.toFixed(0)} / ${p.concurrent.warmMs.toFixed(0)}`)).join('')}`);
  log(`${'EMF publishing share of full cycle'.padEnd(40)}${phases.map((p) => cell(`${((100 * p.publishMs) / p.ours.warmMs).toFixed(0)}%`)).join('')}`);
  log('The RTT is added by a user-space TCP proxy (propagation delay only: no bandwidth limit, no TCP handshake or');
  log('ACK-clock cost); loopback is the same broker without the proxy. Real MSK clients: ~0.5 ms in one AZ, 1–2 ms across AZs.');
}
