// The CLI's two error kinds that decide its exit code (see report() in main.ts).

/** Bad arguments or input: exit 2 with the message. */
export class UsageError extends Error {}

/** Exit with 1 without printing again (the command already reported). */
export class ReportedFailure extends Error {}
