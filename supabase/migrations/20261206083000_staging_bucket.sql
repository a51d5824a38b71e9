-- The private staging area (issue 20): uploads kept between two requests of one
-- user (an ad report between its preview and its import, a half-filled wizard
-- and its photos), in Storage rather than on one web host's disk, so any host
-- can answer the next request. Never public: no public URL reads it (a private
-- bucket is read with the caller's JWT, supabase-storage-real.md §6).
-- A signed-in user reads, lists, writes and deletes only under the top-level
-- folder named by their own user id ('<uid>/<name>'); the service role
-- (BYPASSRLS) sweeps every folder for expired objects (revideo worker).
INSERT INTO storage.buckets (id, name, public, file_size_limit)
VALUES ('staging', 'staging', false, 52428800)  -- 50 MiB, the Free plan's global limit (§1)
ON CONFLICT (id) DO UPDATE SET public = false, file_size_limit = EXCLUDED.file_size_limit;

CREATE POLICY revideo_staging_owner_select ON storage.objects
  FOR SELECT TO authenticated
  USING (bucket_id = 'staging'
         AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
CREATE POLICY revideo_staging_owner_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'staging'
              AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
CREATE POLICY revideo_staging_owner_update ON storage.objects
  FOR UPDATE TO authenticated
  USING (bucket_id = 'staging'
         AND (storage.foldername(name))[1] = (SELECT auth.uid())::text)
  WITH CHECK (bucket_id = 'staging'
              AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
CREATE POLICY revideo_staging_owner_delete ON storage.objects
  FOR DELETE TO authenticated
  USING (bucket_id = 'staging'
         AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
