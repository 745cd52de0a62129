// The sleeping half of PreciseTimer (see precise-timer.ts): waits on the shared sequence
// number until the deadline passes or the deadline changes, then posts one message.
// A change of deadline bumps the sequence number, which ends the wait or the spin.
import { parentPort, workerData } from 'node:worker_threads';

const shared = workerData as SharedArrayBuffer;
const control = new Int32Array(shared, 0, 1);
const deadline = new BigInt64Array(shared, 8, 1);
// Atomics.wait oversleeps by ~0.1 ms on this VM: sleep until 0.1 ms before the deadline
// and spin the rest. Measured: median lateness 0.11 ms without the spin, 0.02 ms with it,
// for ~13 µs of CPU per firing (the wait usually ends close to the deadline anyway).
const SPIN_MS = 0.1;

for (;;) {
  const seq = Atomics.load(control, 0);
  const due = Atomics.load(deadline, 0);
  if (due === 0n) {
    Atomics.wait(control, 0, seq);
    continue;
  }
  const remainingMs = Number(due - process.hrtime.bigint()) / 1e6;
  if (remainingMs > SPIN_MS) {
    Atomics.wait(control, 0, seq, remainingMs - SPIN_MS);
    continue;
  }
  while (process.hrtime.bigint() < due && Atomics.load(control, 0) === seq);
  if (Atomics.load(control, 0) !== seq) continue;
  // Fire once, unless the deadline was replaced meanwhile (then the loop sees the new one).
  if (Atomics.compareExchange(deadline, 0, due, 0n) === due) parentPort!.postMessage(0);
}
