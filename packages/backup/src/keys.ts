// Where a backup's objects live in the bucket: one folder per backup,
// `<prefix>stores/<store>/<backup id>/`, holding `manifest.json` and the parts
// it lists. Names are checked here because they become object keys: a store
// name or backup id with a slash or `..` could reach another store's backups.

const STORE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const BACKUP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const PART_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const MANIFEST_NAME = "manifest.json";

export function assertStoreName(store: string): void {
  if (!STORE_NAME.test(store)) {
    throw new Error(`store name "${store}" must be a DNS-1123 label (a-z, 0-9, "-", at most 63)`);
  }
}

export function assertBackupId(backupId: string): void {
  if (!BACKUP_ID.test(backupId)) {
    throw new Error(`backup id "${backupId}" must be 1-128 of A-Z, a-z, 0-9, "_", "-"`);
  }
}

export function assertPartName(part: string): void {
  if (!PART_NAME.test(part) || part.includes("..")) {
    throw new Error(`backup part name "${part}" must be 1-64 of a-z, 0-9, ".", "_", "-"`);
  }
}

/** The folder of all backups of one store, ending in "/". */
export function storePrefix(store: string): string {
  assertStoreName(store);
  return `stores/${store}/`;
}

/** The folder of one backup, ending in "/". */
export function backupPrefix(store: string, backupId: string): string {
  assertBackupId(backupId);
  return `${storePrefix(store)}${backupId}/`;
}

export function partKey(store: string, backupId: string, part: string): string {
  assertPartName(part);
  return `${backupPrefix(store, backupId)}${part}`;
}

export function manifestKey(store: string, backupId: string): string {
  return `${backupPrefix(store, backupId)}${MANIFEST_NAME}`;
}
