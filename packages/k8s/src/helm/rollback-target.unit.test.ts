import { describe, expect, it } from "vitest";
import { chooseRollbackRevision, type RevisionLabels } from "./rollback-target.ts";

const rev = (version: number, status: RevisionLabels["status"], valuesDigest: string | null) => ({
  version,
  status,
  valuesDigest,
});

describe("chooseRollbackRevision", () => {
  it("returns to the newest earlier revision with the digest, skipping failed ones", () => {
    const history = [
      rev(1, "superseded", "old"),
      rev(2, "superseded", "old"),
      rev(3, "failed", "old"),
      rev(4, "deployed", "new"),
    ];
    expect(chooseRollbackRevision(history, "old")).toEqual({ outcome: "rollback", from: 4, to: 2 });
  });

  it("rolls back from a failed latest revision too", () => {
    const history = [
      rev(2, "deployed", "old"),
      rev(1, "superseded", "older"),
      rev(3, "failed", "new"),
    ];
    expect(chooseRollbackRevision(history, "old")).toEqual({ outcome: "rollback", from: 3, to: 2 });
  });

  it("is current when the latest deployed revision already has the digest", () => {
    const history = [rev(1, "superseded", "new"), rev(2, "deployed", "old")];
    expect(chooseRollbackRevision(history, "old")).toEqual({ outcome: "current", revision: 2 });
  });

  it("finds nothing when no earlier revision has the digest or history is empty", () => {
    expect(chooseRollbackRevision([rev(1, "deployed", "new")], "old")).toEqual({
      outcome: "no-revision",
      latest: 1,
    });
    expect(chooseRollbackRevision([], "old")).toEqual({ outcome: "no-revision", latest: null });
  });
});
