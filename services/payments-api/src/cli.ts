// `npm run payments -- <command>`: administration of the payments data.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SCHEMA_FILE } from './app.ts';
import { loadConfig } from './config.ts';
import { readAnnotatedSchema } from './model/definition.ts';
import { DynaliteImportError, importDynaliteFolder } from './store/dynalite-import.ts';
import { IMPORT_COMMAND } from './store/postgres/postgres-engine.ts';

const USAGE = `Usage: npm run payments -- <command> [options]

  import-dynalite [--table-prefix <prefix>]
      Moves the payments of an old embedded data folder (<PAYMENTS_DATA_DIR>/dynamodb, before ADR 0106)
      with their audit history and idempotency keys into the PostgreSQL store, then renames the folder
      dynamodb.imported-<date>. Stop the server first. Records already imported are left as they are,
      so running it again changes nothing. --table-prefix: PAYMENTS_TABLE_PREFIX of the old server
      (default atrium-).

The store is the one the server uses (PAYMENTS_DATA_DIR / ATRIUM_DATA_DIR, or PAYMENTS_DATABASE_URL /
DATABASE_URL for a PostgreSQL server).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'table-prefix': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help === true || positionals.join(' ') !== 'import-dynalite') {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const config = loadConfig(process.env);
  if (config.storage.kind !== 'postgres') {
    console.error(`payments: ${IMPORT_COMMAND} imports into PostgreSQL; PAYMENTS_STORE is dynamodb`);
    return 2;
  }
  const models = readAnnotatedSchema(await readFile(SCHEMA_FILE, 'utf8')).models;
  try {
    const report = await importDynaliteFolder({
      dataDir: config.dataDir,
      target: config.storage,
      models,
      tablePrefix: values['table-prefix'],
    });
    console.log(
      `imported ${report.imported} payments (${report.tombstones} deleted, kept for their audit trail) ` +
        `with ${report.auditEntries} audit entries; ${report.present} were already there`,
    );
    for (const record of report.different)
      console.error(`not imported: ${record} is in the store in another version (nothing overwritten)`);
    for (const table of report.unknownTables)
      console.error(`not imported: table ${table} belongs to no model of the schema (--table-prefix?)`);
    if (!report.renamed) {
      console.error(`the old folder stays where it is: ${report.folder}`);
      return 1;
    }
    console.log(`the old folder is now ${report.folder} (keep it as a backup or delete it)`);
    return 0;
  } catch (error) {
    if (!(error instanceof DynaliteImportError)) throw error;
    console.error(error.message);
    // Nothing to import is no failure: the import may run on every upgrade.
    return error.code === 'NOTHING_TO_IMPORT' ? 0 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
