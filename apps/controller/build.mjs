// Bundles the controller for its image: our workspace packages (consumed as
// TypeScript source) go into the bundle; npm packages stay external and come
// from node_modules in the image. Node 20+ ESM output.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const workspace = new Set(
  Object.keys(pkg.dependencies).filter((d) => d.startsWith("@storeplane/")),
);

/** Everything that is not one of our workspace packages (or a relative import) is external. */
const externalNpm = {
  name: "external-npm",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith("@")
        ? args.path.split("/").slice(0, 2).join("/")
        : args.path.split("/")[0];
      if (workspace.has(name)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const result = await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  plugins: [externalNpm],
  // import.meta.dirname is used for repo-relative defaults (charts dir); in the
  // image STORE_CHARTS_DIR is set explicitly.
  banner: { js: "// @storeplane/controller — bundled by build.mjs" },
  metafile: true,
  logLevel: "info",
});
const inputs = Object.keys(result.metafile.inputs).filter((i) => i.includes("packages/"));
console.log(
  `bundled ${inputs.length} workspace source files; external: ${[...new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)))].sort().join(", ")}`,
);
