-- Row-level security calls these functions in every policy. A parallel-unsafe function
-- anywhere in a query turns parallel plans off, so aggregates over many rows ran on one
-- core. They only read settings (shared with parallel workers) and profiles.
ALTER FUNCTION public.is_admin() PARALLEL SAFE;

-- On plain PostgreSQL the auth functions are ours (see the bootstrap); on Supabase the
-- auth schema belongs to Supabase, so changing them is refused and skipped.
DO $$
BEGIN
  ALTER FUNCTION auth.uid() PARALLEL SAFE;
  ALTER FUNCTION auth.jwt() PARALLEL SAFE;
  ALTER FUNCTION auth.role() PARALLEL SAFE;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'auth functions left as they are: %', SQLERRM;
END $$;
