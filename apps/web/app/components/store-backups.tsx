// The store detail page's Backups card: the store's backups with status,
// size, duration and sha256, a "Back up now" form, and per complete backup a
// restore form that needs the store's name typed (the API checks it too),
// a clone form that makes a new store from a complete backup, and a verify
// form that proves a backup restores (its last result in the table).
// Plain forms: they work without JavaScript.
import { Form } from "@remix-run/react";
import { formatDateTime, formatDuration } from "../utils/format.ts";
import { CsrfInput } from "./csrf-input.tsx";
import { Field } from "./field.tsx";

export interface BackupRow {
  id: string;
  kind: string;
  status: string;
  sizeBytes: number | null;
  durationMs: number | null;
  sha256: string | null;
  error: string | null;
  createdAt: string;
  prunedAt: string | null;
  /** The last verification; null: never verified. */
  verification: {
    status: string;
    verifiedAt: string | null;
    error: string | null;
    durationMs: number | null;
  } | null;
}

/** "passed in 2.9 s", "failed: <reason>", "requested", or "–" when never verified. */
function verificationText(v: BackupRow["verification"]): string {
  if (!v) return "–";
  if (v.status === "failed") return `failed: ${v.error ?? "no reason recorded"}`;
  if (v.status === "passed" && v.durationMs !== null) {
    return `passed in ${formatDuration(v.durationMs)}`;
  }
  return v.status;
}

function formatSize(bytes: number | null): string {
  if (bytes === null) return "–";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A choice of the complete backups, in the list's order; the first is preselected. */
function BackupSelect({
  id,
  backups,
  describedBy,
}: {
  id: string;
  backups: BackupRow[];
  describedBy?: string;
}) {
  return (
    <select id={id} name="backupId" defaultValue={backups[0]?.id} aria-describedby={describedBy}>
      {backups.map((b) => (
        <option key={b.id} value={b.id}>
          {formatDateTime(b.createdAt)} · {formatSize(b.sizeBytes)}
        </option>
      ))}
    </select>
  );
}

export interface CloneFormState {
  /** A fresh key per page view: a double submit makes one store, not two. */
  idempotencyKey: string;
  /** The API's message per field (name, backupId) from the last clone attempt. */
  fieldErrors: Record<string, string[] | undefined>;
  /** What was typed, shown again after a refusal. */
  name: string;
}

export function StoreBackups({
  storeName,
  backups,
  note,
  error,
  busyIntent,
  clone,
}: {
  storeName: string;
  backups: BackupRow[];
  clone: CloneFormState;
  /** Why the list could not be read, if it could not. */
  note: string | null;
  /** The last backup or restore action's refusal, shown to the person who asked. */
  error: string | null;
  busyIntent: string | null;
}) {
  const restorable = backups.filter((b) => b.status === "succeeded" && !b.prunedAt);
  return (
    <section className="card" aria-labelledby="backups-heading">
      <h2 id="backups-heading">Backups</h2>
      <p className="muted small" style={{ margin: 0 }}>
        Database, media and spec, to the platform's object store. The store stays Ready while a
        backup runs.
      </p>
      {error ? (
        <p className="form-error" role="alert" data-testid="backup-error">
          {error}
        </p>
      ) : null}
      {note ? <p className="notice">{note}</p> : null}
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="backup" />
        <button type="submit" className="btn" disabled={busyIntent === "backup"}>
          {busyIntent === "backup" ? "Requesting…" : "Back up now"}
        </button>
      </Form>
      {backups.length === 0 ? (
        <p className="muted">No backups yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="backups" data-testid="backups">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Size</th>
                <th scope="col">Duration</th>
                <th scope="col">sha256 / error</th>
                <th scope="col">Verified</th>
              </tr>
            </thead>
            <tbody>
              {backups.map((backup) => (
                <tr key={backup.id} data-backup-id={backup.id}>
                  <td>{formatDateTime(backup.createdAt)}</td>
                  <td>{backup.kind}</td>
                  <td>{backup.prunedAt ? `${backup.status} (pruned)` : backup.status}</td>
                  <td>{formatSize(backup.sizeBytes)}</td>
                  <td>{backup.durationMs === null ? "–" : formatDuration(backup.durationMs)}</td>
                  <td className="small">
                    {backup.error ??
                      (backup.sha256 ? <code>{backup.sha256.slice(0, 16)}…</code> : "–")}
                  </td>
                  <td className="small" data-testid="verification">
                    {verificationText(backup.verification)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {restorable.length > 0 ? (
        <Form method="post" className="stack">
          <CsrfInput />
          <input type="hidden" name="intent" value="restore" />
          <div className="field">
            <label htmlFor="restore-backup">Restore from</label>
            <BackupSelect id="restore-backup" backups={restorable} />
          </div>
          <div className="field">
            <label htmlFor="restore-confirm">
              Type <code>{storeName}</code> to replace the store's data with this backup
            </label>
            <input
              id="restore-confirm"
              name="confirm"
              type="text"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <button type="submit" className="btn btn-danger" disabled={busyIntent === "restore"}>
            {busyIntent === "restore" ? "Requesting…" : "Restore"}
          </button>
        </Form>
      ) : null}
      {restorable.length > 0 ? (
        <Form method="post" className="stack" data-testid="verify-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="verify" />
          <div className="field">
            <label htmlFor="verify-backup">Verify</label>
            <BackupSelect id="verify-backup" backups={restorable} describedBy="verify-hint" />
            <p className="hint" id="verify-hint">
              Restores the backup into a scratch database, starts the engine on it, runs its health
              check and an order lookup, then drops it. The store itself is not touched.
            </p>
          </div>
          <button type="submit" className="btn" disabled={busyIntent === "verify"}>
            {busyIntent === "verify" ? "Requesting…" : "Verify backup"}
          </button>
        </Form>
      ) : null}
      {restorable.length > 0 ? (
        <Form method="post" className="stack" data-testid="clone-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="clone" />
          <input type="hidden" name="idempotencyKey" value={clone.idempotencyKey} />
          <div className="field">
            <label htmlFor="clone-backup">Clone from</label>
            <BackupSelect id="clone-backup" backups={restorable} />
          </div>
          <Field
            id="clone-name"
            name="name"
            label="New store's name"
            hint="Same engine and plan, new URL and credentials; counts against your store quota."
            autoComplete="off"
            spellCheck={false}
            defaultValue={clone.name}
            errors={clone.fieldErrors.name}
          />
          <button type="submit" className="btn" disabled={busyIntent === "clone"}>
            {busyIntent === "clone" ? "Requesting…" : "Clone into a new store"}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
