// Helm failures as typed errors, recognised from stderr. Messages keep a short
// stderr excerpt; values never reach helm's command line, so they cannot leak
// through it, and the excerpt is additionally cut short.
export type HelmErrorKind =
  | "ReleaseLocked"
  | "ReleaseNotFound"
  | "HelmTimeout"
  | "ChartInvalid"
  | "ClusterUnreachable"
  | "HelmFailed";

const TRANSIENT: ReadonlySet<HelmErrorKind> = new Set(["HelmTimeout", "ClusterUnreachable"]);

export class HelmError extends Error {
  override readonly name: string = "HelmError";
  readonly kind: HelmErrorKind;
  readonly exitCode: number | null;
  readonly stderrExcerpt: string;
  /** Worth retrying later without changing anything. ReleaseLocked needs an unlock first. */
  readonly transient: boolean;

  constructor(
    kind: HelmErrorKind,
    message: string,
    opts: { exitCode?: number | null; stderrExcerpt?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.kind = kind;
    this.exitCode = opts.exitCode ?? null;
    this.stderrExcerpt = opts.stderrExcerpt ?? "";
    this.transient = TRANSIENT.has(kind);
  }
}

export class ReleaseLocked extends HelmError {
  override readonly name = "ReleaseLocked";
}
export class ReleaseNotFound extends HelmError {
  override readonly name = "ReleaseNotFound";
}
export class HelmTimeout extends HelmError {
  override readonly name = "HelmTimeout";
}
export class ChartInvalid extends HelmError {
  override readonly name = "ChartInvalid";
}
export class ClusterUnreachable extends HelmError {
  override readonly name = "ClusterUnreachable";
}
export class HelmFailed extends HelmError {
  override readonly name = "HelmFailed";
}

const EXCERPT_MAX = 600;

/** The `Error: …` lines of helm's stderr (its warnings and debug lines dropped), cut short. */
export function stderrExcerpt(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => l.startsWith("Error:") || l.startsWith("error:"));
  const text = (errors.length > 0 ? errors : lines.slice(-3)).join(" | ");
  return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX)}…` : text;
}

type Rule = [HelmErrorKind, RegExp];

// Order matters: the first match wins. Patterns are Helm 3.x and 4.x wording.
const RULES: Rule[] = [
  ["ReleaseLocked", /another operation \(install\/upgrade\/rollback\) is in progress/i],
  ["ReleaseNotFound", /release: not found|release not loaded|has no deployed releases/i],
  [
    "ClusterUnreachable",
    /kubernetes cluster unreachable|connection refused|no such host|i\/o timeout|dial tcp|tls handshake timeout|server could not find the requested resource \(get namespaces\)|couldn't get current server api group list/i,
  ],
  ["HelmTimeout", /timed out waiting for the condition|context deadline exceeded|timed out/i],
  [
    "ChartInvalid",
    /parse error|template: |execution error at|error converting yaml|yaml: |values don't meet the specifications of the schema|chart metadata|chart\.yaml|path .* not found|not a valid chart|unable to build kubernetes objects|error validating data|schema\(s\)|failed to load chart/i,
  ],
];

const CLASSES: Record<HelmErrorKind, typeof HelmError> = {
  ReleaseLocked,
  ReleaseNotFound,
  HelmTimeout,
  ChartInvalid,
  ClusterUnreachable,
  HelmFailed,
};

export function classifyHelmStderr(stderr: string): HelmErrorKind {
  for (const [kind, pattern] of RULES) if (pattern.test(stderr)) return kind;
  return "HelmFailed";
}

export function helmErrorFrom(
  command: string,
  stderr: string,
  exitCode: number | null,
  cause?: unknown,
): HelmError {
  const kind = classifyHelmStderr(stderr);
  const excerpt = stderrExcerpt(stderr);
  const Cls = CLASSES[kind];
  return new Cls(kind, `helm ${command} failed (${kind}, exit ${exitCode ?? "?"}): ${excerpt}`, {
    exitCode,
    stderrExcerpt: excerpt,
    cause,
  });
}
