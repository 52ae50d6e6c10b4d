// Level: unit. The controller's reading of the backup variables the platform
// chart renders (charts/test/backups.helm.test.ts checks the chart's side).
import { describe, expect, it } from "vitest";
import { readBackupSettings } from "./backup-env.ts";

const rendered = {
  BACKUPS_ENABLED: "true",
  BACKUP_IMAGE: "storeplane/backup:0.1.0",
  BACKUP_S3_ENDPOINT: "https://s3.eu-central-1.amazonaws.com",
  BACKUP_S3_REGION: "eu-central-1",
  BACKUP_S3_BUCKET: "storeplane-backups",
  BACKUP_S3_PREFIX: "",
  BACKUP_S3_FORCE_PATH_STYLE: "false",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "never-print-this",
  BACKUP_EGRESS_CIDR: "0.0.0.0/0",
  BACKUP_EGRESS_PORT: "443",
};

describe("readBackupSettings", () => {
  it("is null when backups are off", () => {
    expect(readBackupSettings({})).toBeNull();
    expect(readBackupSettings({ ...rendered, BACKUPS_ENABLED: "false" })).toBeNull();
  });

  it("reads what the chart renders into the object store config and the Jobs' target", () => {
    const settings = readBackupSettings(rendered);
    expect(settings?.image).toBe("storeplane/backup:0.1.0");
    expect(settings?.objectStore).toMatchObject({
      bucket: "storeplane-backups",
      region: "eu-central-1",
      forcePathStyle: false,
    });
    expect(settings?.target).toEqual({
      endpoint: "https://s3.eu-central-1.amazonaws.com",
      bucket: "storeplane-backups",
      region: "eu-central-1",
      prefix: "",
      forcePathStyle: false,
      egress: { cidr: "0.0.0.0/0", port: 443 },
    });
    expect(JSON.stringify(settings?.target)).not.toContain("never-print-this");
  });

  it("takes an in-cluster object store's namespace", () => {
    const settings = readBackupSettings({
      ...rendered,
      BACKUP_EGRESS_NAMESPACE: "storeplane",
      BACKUP_EGRESS_PORT: "9000",
    });
    expect(settings?.target.egress).toEqual({ namespace: "storeplane", port: 9000 });
  });

  it("names every missing or bad variable, never echoing the secret", () => {
    let message = "";
    try {
      readBackupSettings({
        BACKUPS_ENABLED: "true",
        BACKUP_EGRESS_PORT: "0",
        AWS_SECRET_ACCESS_KEY: "never-print-this",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^BACKUPS_ENABLED=true but the backup settings are incomplete: /);
    expect(message).toContain("BACKUP_IMAGE: must be set");
    expect(message).toContain("BACKUP_EGRESS_PORT: must be a port number");
    expect(message).toContain("endpoint:");
    expect(message).toContain("bucket:");
    expect(message).toContain("accessKeyId: accessKeyId must be set");
    expect(message).not.toContain("never-print-this");
  });
});
