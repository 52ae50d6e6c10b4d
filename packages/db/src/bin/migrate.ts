// `npm run migrate -w @storeplane/db`: applies pending migrations to
// DATABASE_URL (or the embedded database) and exits. The platform chart runs
// it as a pre-install/pre-upgrade hook, so it runs once per upgrade.
import { openDatabase } from "../connect.ts";
import { readDatabaseEnv } from "../env.ts";
import { migrateToLatest } from "../migrate.ts";

const env = readDatabaseEnv();
const handle = await openDatabase({ url: env.url, dataDir: env.dataDir });
try {
  const applied = await migrateToLatest(handle.db);
  console.log(
    applied.length
      ? `applied ${applied.join(", ")} to ${handle.description}`
      : `${handle.description} is up to date`,
  );
} finally {
  await handle.close();
}
