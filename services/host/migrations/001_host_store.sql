-- The host's shared store (ADR 0407): every host of a cluster serves the same registry and the same
-- immutable micro-frontend versions from these tables, and changes them through its publish API.

-- File contents by SHA-256 (hex) of their bytes, with the brotli and gzip variants made once at
-- publish time. A file shared by several versions is stored once. Never updated or deleted.
create table host_blobs (
  sha256 text collate "C" primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  body bytea not null,
  br bytea,
  gz bytea
);

-- The files of each published version (`<name>/<version>/<path>` under /mfe/). A version's rows are
-- written in one transaction before any registry entry names it, and never change afterwards.
create table host_version_files (
  name text collate "C" not null,
  version text collate "C" not null,
  path text collate "C" not null,
  sha256 text collate "C" not null references host_blobs (sha256),
  primary key (name, version, path)
);

-- One row, locked by every change (FOR UPDATE) so that changes are serialised across hosts, and
-- counted up by each: a host compares it with the revision it has cached to know it is behind.
create table host_registry_revision (
  singleton boolean primary key default true check (singleton),
  revision bigint not null
);
insert into host_registry_revision (revision) values (0);

-- The registry: per micro-frontend the versions it was switched to (newest last) and every version
-- published, as the PublishedVersion records of src/mfe-storage.ts. `json`, not `jsonb`: the text is
-- kept as written, so every host renders the same registry document (and the same ETag).
create table host_registry_entries (
  name text collate "C" primary key,
  live_version text collate "C" not null,
  history json not null,
  versions json not null
);

-- Who changed what, when, from which version to which; written in the transaction of the change.
create table host_audit (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  actor text not null,
  action text not null check (action in ('publish', 'switch', 'rollback', 'retire')),
  name text collate "C" not null,
  from_version text collate "C",
  to_version text collate "C"
);
create index host_audit_by_name on host_audit (name, id);

-- The role a host's connection needs (ADR 0407), and no more: files and audit rows are only ever
-- added, the registry rows changed, the revision counted up. An operator may create the role
-- beforehand and grant it to the hosts' login (`grant atrium_host to <login>`); migrations run as the
-- tables' owner (HOST_DATABASE_MIGRATION_URL).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'atrium_host') then
    create role atrium_host nologin nosuperuser nobypassrls;
  end if;
end
$$;
grant usage on schema public to atrium_host;
grant select, insert on host_blobs, host_version_files, host_audit to atrium_host;
grant select, update on host_registry_revision to atrium_host;
grant select, insert, update, delete on host_registry_entries to atrium_host;
