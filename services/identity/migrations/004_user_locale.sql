-- A user's own locale for labels, numbers and dates (issue 15), issued as the OIDC `locale` claim.
-- Null: none chosen, the browser's languages decide. Stored canonical (Intl.getCanonicalLocales).
alter table users add column locale text check (locale is null or length(locale) between 2 and 35);
