import type { BuildManifest } from '@atrium/contracts';
import type { Representation } from './static-files.ts';

/**
 * One published, immutable version of a micro-frontend, as the registry state records it: its
 * build manifest, with integrity hashes instead of the file list. `version` is
 * `<build version>+<content hash>`, so a different build never gets the same id; `entry` is relative
 * to the version folder.
 */
export interface PublishedVersion extends Omit<BuildManifest, 'styles' | 'files'> {
  /** Who switched the registry to this version (`cli:<user>` or a token's subject). */
  readonly publishedBy?: string;
  readonly integrity: string;
  readonly styles: readonly { readonly file: string; readonly integrity: string }[];
  readonly publishedAt: string;
}

/** One micro-frontend's part of the state: the versions it was switched to (newest last) and every version published. */
export interface RegistryStateEntry {
  readonly history: readonly PublishedVersion[];
  readonly versions?: readonly PublishedVersion[];
}

/**
 * The registry state: per micro-frontend, the versions it was switched to, newest last, and
 * every version ever published (`versions`, so a rolled-back one can be switched to again).
 */
export interface RegistryState {
  readonly schemaVersion: 1;
  readonly microFrontends: Readonly<Record<string, RegistryStateEntry>>;
}

export const EMPTY_STATE: RegistryState = { schemaVersion: 1, microFrontends: {} };

export type RegistryAction = 'publish' | 'switch' | 'rollback' | 'retire';

/** One audit record: who changed which micro-frontend when, from which version to which. */
export interface AuditRecord {
  readonly at: string;
  readonly actor: string;
  readonly action: RegistryAction;
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** A change of the state: the next state and what to audit, or undefined when nothing changes. */
export type StateChange = (
  state: RegistryState,
) => { state: RegistryState; audit: Omit<AuditRecord, 'at'> } | undefined;

/**
 * Where the store keeps the immutable version files, the registry state and the audit log: the
 * data folder of one host (`files`) or a PostgreSQL database every host shares (`postgres`, ADR 0407).
 * The store's rules (claims, version ids, history) sit above this port, the same for both.
 */
export interface MfeStorage {
  readonly kind: 'files' | 'postgres';
  /** The state as this host last saw it (shared storage: at most one refresh interval old). */
  state(): Promise<RegistryState>;
  /**
   * Reads the state from the storage now instead of at the next refresh: what the publish API
   * answers is the latest state, whichever host answers it.
   */
  refresh(): Promise<void>;
  /**
   * One read-modify-write of the state, serialised with every other writer of the same storage,
   * with its audit record: a change that is live is always audited.
   */
  update(change: StateChange): Promise<void>;
  /** The audit records, oldest first; one micro-frontend's only when `name` is given. */
  audit(name?: string): Promise<AuditRecord[]>;
  /**
   * Stores the files of a version, all or none, before any state names it: a reader never sees half
   * a version, and an existing version is never overwritten (its id names its bytes).
   */
  writeVersion(name: string, version: string, contents: ReadonlyMap<string, Buffer>): Promise<void>;
  /** The bytes of every file of a version, by path; undefined when the version has no files here. */
  readVersion(name: string, version: string): Promise<ReadonlyMap<string, Buffer> | undefined>;
  /** A file of a version, at `<name>/<version>/<path>` as the URL has it; undefined when there is none. */
  file(urlPath: string, acceptEncoding: string | undefined): Promise<Representation | undefined>;
  /** Asks the storage itself now (readiness), not what this host has cached. */
  check(): Promise<void>;
  close(): Promise<void>;
}
