// Helm failures as typed errors, recognised from stderr. Messages keep a short
// stderr excerpt; values never reach helm's command line, so they cannot leak
// through it, and the excerpt is additionally cut short.
import { ClassifiedError, type ErrorClass } from "../error-class.ts";

export type HelmErrorKind =
  | "ReleaseLocked"
  | "ReleaseNotFound"
  | "NamespaceNotFound"
  | "HelmTimeout"
  | "ChartInvalid"
  | "ClusterUnreachable"
  | "HelmFailed";

// HelmFailed is whatever helm reported that none of the rules below knows
// (a failed hook, a rejected manifest): running the same command again gives
// the same answer, so it stops until someone looks. A release not found is
// usually one being removed or not yet recorded: look again.
const CLASS_OF_KIND: Record<HelmErrorKind, ErrorClass> = {
  ReleaseLocked: "locked",
  ReleaseNotFound: "transient",
  // The namespace went away between the look and the install: the next pass recreates it.
  NamespaceNotFound: "transient",
  HelmTimeout: "transient",
  ChartInvalid: "terminal",
  ClusterUnreachable: "transient",
  HelmFailed: "terminal",
};

export class HelmError extends ClassifiedError {
  override readonly name: string = "HelmError";
  readonly kind: HelmErrorKind;
  readonly exitCode: number | null;
  readonly stderrExcerpt: string;
  readonly errorClass: ErrorClass;
  /** The kind itself: already reads as a reason (`HelmTimeout`, `ChartInvalid`). */
  readonly conditionReason: string;

  constructor(
    kind: HelmErrorKind,
    message: string,
    opts: { exitCode?: number | null; stderrExcerpt?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.kind = kind;
    this.exitCode = opts.exitCode ?? null;
    this.stderrExcerpt = opts.stderrExcerpt ?? "";
    this.errorClass = CLASS_OF_KIND[kind];
    this.conditionReason = kind;
  }
}

export class ReleaseLocked extends HelmError {
  override readonly name = "ReleaseLocked";
}
export class ReleaseNotFound extends HelmError {
  override readonly name = "ReleaseNotFound";
}
export class NamespaceNotFound extends HelmError {
  override readonly name = "NamespaceNotFound";
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
  ["NamespaceNotFound", /namespaces "[^"]*" not found/i],
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
  NamespaceNotFound,
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
