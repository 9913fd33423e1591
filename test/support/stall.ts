/** Stops this thread's event loop for `ms` milliseconds without using the CPU, as a starved process is stopped. */
export function stallEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
