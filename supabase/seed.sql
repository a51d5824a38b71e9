-- revideo ships no seed rows: users come from sign-up (or `revideo users add`)
-- and demo data from `revideo up --demo`. The storage buckets are created by
-- a migration so that `supabase db push` without --include-seed has them.
SELECT 1;
