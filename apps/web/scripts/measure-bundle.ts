// First-load JavaScript of the stores page, gzipped: renders /stores on the
// production server, collects every script the HTML loads (modulepreload
// links and the entry's imports), and gzips those files from build/client.
//   npm run build -w @storeplane/web && npx tsx apps/web/scripts/measure-bundle.ts [path]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { HttpSession } from "../test/support/http-session.ts";
import { startTestPlatform } from "../test/support/platform.ts";

const BUDGET_KB = 150;
const clientDir = join(import.meta.dirname, "../build/client");
if (!existsSync(join(import.meta.dirname, "../build/server/index.js"))) {
  console.error("no production build: run `npm run build -w @storeplane/web` first");
  process.exit(2);
}
const path = process.argv[2] ?? "/stores";

const platform = await startTestPlatform({ mode: "production", logLevel: "silent" });
try {
  const session = new HttpSession(platform.url);
  await session.signUp("measure@example.com", "correct-horse-battery");
  const html = await (await session.request(path)).text();
  const scripts = new Set<string>();
  for (const match of html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g))
    scripts.add(match[1] as string);
  for (const match of html.matchAll(/import\s*(?:\*\s*as\s*\w+\s*from\s*)?"([^"]+\.js)"/g))
    scripts.add(match[1] as string);
  const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );

  const size = (href: string) => {
    const bytes = readFileSync(join(clientDir, href));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const rows = [...scripts]
    .map((href) => ({ href, ...size(href) }))
    .sort((a, b) => b.gzip - a.gzip);
  const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), {
    raw: 0,
    gzip: 0,
  });
  const css = styles.map((href) => ({ href, ...size(href) }));
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);

  console.log(`First-load JavaScript of ${path} (production build, gzip -9):`);
  for (const row of rows)
    console.log(
      `  ${kb(row.gzip).padStart(7)} kB  (${kb(row.raw).padStart(7)} kB raw)  ${row.href}`,
    );
  console.log(
    `  ${kb(total.gzip).padStart(7)} kB  (${kb(total.raw).padStart(7)} kB raw)  total in ${rows.length} files — budget ${BUDGET_KB} kB`,
  );
  for (const row of css)
    console.log(`  CSS: ${kb(row.gzip)} kB gzipped (${kb(row.raw)} kB raw) ${row.href}`);
  if (total.gzip / 1024 > BUDGET_KB) process.exitCode = 1;
} finally {
  await platform.close();
}
