export {
  openDatabase,
  openMigrationDatabase,
  DatabaseLockedError,
  type Database,
  type DatabaseOptions,
  type Queryable,
  type QueryResult,
  type TransactionOptions,
} from './database.ts';
export { DatabaseDeadlineError, isDatabaseUnavailable, withDeadline } from './database-availability.ts';
export { migrate, MigrationError } from './migrations.ts';
