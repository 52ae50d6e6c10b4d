// BENCHMARK TOOL — preloaded into the controller process by
// bench-controller-memory.ts (node --expose-gc --import this file), so the
// controller itself carries no benchmark hook. On SIGUSR2 it collects garbage
// and reports the heap that is still retained, on stderr as one JSON line.
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stderr.write(
    `${JSON.stringify({ benchProbe: "heap", heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}\n`,
  );
});
