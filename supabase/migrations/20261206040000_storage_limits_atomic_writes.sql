-- Supabase in production (issue 17): bucket limits as the real Storage server
-- enforces them, keys it accepts, at most one unfinished render attempt per
-- video, and the multi-row photo reorder as one atomic SQL function.

-- Buckets: the real server refuses an object over the bucket's
-- file_size_limit (or the project's global limit, 50 MB on the Free plan,
-- whichever is lower) with statusCode 413, and a content type outside
-- allowed_mime_types with 415 (supabase-storage-real.md §1). Raise a limit
-- with `UPDATE storage.buckets SET file_size_limit = ...` or in the dashboard
-- (docs/deploy-supabase.md); the project's global limit is a plan setting.
UPDATE storage.buckets
   SET file_size_limit = 20971520,  -- 20 MiB: the app itself takes photos up to 10 MB
       allowed_mime_types = ARRAY['image/jpeg', 'image/png', 'image/webp']
 WHERE id = 'property-images';
UPDATE storage.buckets
   SET file_size_limit = 52428800,  -- 50 MiB, the Free plan's global limit
       allowed_mime_types = ARRAY['video/mp4', 'image/jpeg', 'image/png', 'image/webp']
 WHERE id = 'generated-videos';

-- Keys: ids and a slug of [A-Za-z0-9._-] (supabase-storage-real.md §2), so the
-- stored path, the object's key and its public URL are the same string.
ALTER TABLE public.property_media
  ADD CONSTRAINT property_media_storage_path_safe
  CHECK (storage_path ~ '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$');

-- The file name as the user typed it (kept for captions and downloads only).
ALTER TABLE public.property_media
  ADD COLUMN file_name text NOT NULL DEFAULT '' CHECK (char_length(file_name) <= 200);

-- At most one unfinished render attempt per video, whatever the backend: two
-- submits racing past an optimistic check (Supabase) cannot both start a paid
-- render. Older unfinished duplicates, if any, are closed first.
UPDATE public.video_render_jobs AS j
   SET status = 'failed',
       completed_at = coalesce(j.completed_at, now()),
       error_message = coalesce(j.error_message, 'superseded by a newer attempt')
 WHERE j.status NOT IN ('completed', 'failed')
   AND EXISTS (SELECT 1 FROM public.video_render_jobs AS n
                WHERE n.video_id = j.video_id
                  AND n.status NOT IN ('completed', 'failed')
                  AND (n.started_at, n.id) > (j.started_at, j.id));
CREATE UNIQUE INDEX video_render_jobs_one_unfinished_idx
  ON public.video_render_jobs (video_id)
  WHERE status NOT IN ('completed', 'failed');

-- Reordering a gallery writes several rows: one function call, one
-- transaction, as the caller. RLS hides rows the caller may not change; if
-- any asked-for row was not changed, nothing is (42501, all or nothing).
CREATE FUNCTION public.revideo_set_media_orders(p_orders jsonb)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  changed integer;
BEGIN
  WITH wanted AS (
    SELECT (e ->> 'id')::uuid AS id, (e ->> 'order')::integer AS position
      FROM jsonb_array_elements(p_orders) AS e
  ), done AS (
    UPDATE public.property_media AS m
       SET "order" = wanted.position
      FROM wanted
     WHERE m.id = wanted.id
    RETURNING m.id
  )
  SELECT count(*)::integer INTO changed FROM done;
  IF changed <> jsonb_array_length(p_orders) THEN
    RAISE EXCEPTION 'not every photo may be reordered' USING ERRCODE = '42501';
  END IF;
  RETURN changed;
END
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_set_media_orders(jsonb) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.revideo_set_media_orders(jsonb) TO authenticated, service_role;

-- A render attempt and its video change together (the engine took the render,
-- refused it, reported on it): both rows in one function call, so on Supabase,
-- where every PostgREST request is its own transaction, they cannot part. The
-- video row must still be as the caller last read it (`p_seen`: optimistic
-- lock; 40001 when it changed meanwhile). As the caller: RLS decides (42501).
CREATE FUNCTION public.revideo_save_render(p_video_id uuid, p_video jsonb, p_seen timestamptz,
                                           p_job_id uuid, p_job jsonb)
  RETURNS SETOF public.videos
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  saved public.videos;
BEGIN
  UPDATE public.video_render_jobs AS j
     SET (heygen_job_id, status, attempt_count, started_at, completed_at, cost_credits,
          error_message)
       = (SELECT r.heygen_job_id, r.status, r.attempt_count, r.started_at, r.completed_at,
                 r.cost_credits, r.error_message
            FROM jsonb_populate_record(j, p_job) AS r)
   WHERE j.id = p_job_id AND j.video_id = p_video_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'render job % cannot be changed', p_job_id USING ERRCODE = '42501';
  END IF;
  UPDATE public.videos AS v
     SET (title, script_content, avatar_id, voice_id, purpose, status, heygen_video_id,
          video_url, thumbnail_url, error_message, meta, attempt_count, archived_at)
       = (SELECT r.title, r.script_content, r.avatar_id, r.voice_id, r.purpose, r.status,
                 r.heygen_video_id, r.video_url, r.thumbnail_url, r.error_message, r.meta,
                 r.attempt_count, r.archived_at
            FROM jsonb_populate_record(v, p_video) AS r)
   WHERE v.id = p_video_id AND (p_seen IS NULL OR v.updated_at = p_seen)
  RETURNING v.* INTO saved;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM public.videos WHERE id = p_video_id) THEN
      RAISE EXCEPTION 'video % changed meanwhile', p_video_id USING ERRCODE = '40001';
    END IF;
    RAISE EXCEPTION 'video % cannot be changed', p_video_id USING ERRCODE = '42501';
  END IF;
  RETURN NEXT saved;
END
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_save_render(uuid, jsonb, timestamptz, uuid, jsonb)
  FROM public, anon;
GRANT EXECUTE ON FUNCTION public.revideo_save_render(uuid, jsonb, timestamptz, uuid, jsonb)
  TO authenticated, service_role;
