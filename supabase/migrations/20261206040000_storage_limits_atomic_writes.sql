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
