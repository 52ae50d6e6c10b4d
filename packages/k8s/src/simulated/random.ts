// The one seeded random generator of the test tools (fault dice, kill
// moments in the SIGKILL and crash suites): the same seed replays the same
// run. mulberry32 — small, fast, and good enough for dice; never for secrets.
export type Random = () => number;

/** Uniform numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
