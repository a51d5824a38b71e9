-- revideo_lease also locks the video rows it takes (FOR KEY SHARE, which blocks no
-- ordinary update). READ COMMITTED re-checks only locked rows when a lease row changed
-- after the statement's snapshot: without the video's lock, a worker could see another's
-- release beside the video's old status and poll it twice in one round.
-- (src/revideo/adapters/postgres/leases.py says the same for the psycopg adapter.)
CREATE OR REPLACE FUNCTION public.revideo_lease(p_loop text, p_owner text, p_now timestamptz,
                                     p_until timestamptz, p_limit integer)
  RETURNS SETOF public.videos
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
BEGIN
  IF p_loop NOT IN ('sync', 'archive', 'retry') THEN
    RAISE EXCEPTION 'unknown loop %', p_loop USING ERRCODE = '22023';
  END IF;
  IF p_loop <> 'retry' THEN  -- rows for candidates that have none, in id order (no deadlocks)
    INSERT INTO public.video_pipeline (video_id)
    SELECT v.id FROM public.videos v
    WHERE ((p_loop = 'sync' AND v.status IN ('pending', 'processing'))
           OR (p_loop = 'archive' AND v.status = 'completed' AND v.archived_at IS NULL))
      AND NOT EXISTS (SELECT 1 FROM public.video_pipeline p WHERE p.video_id = v.id)
    ORDER BY v.id
    ON CONFLICT (video_id) DO NOTHING;
  END IF;
  RETURN QUERY
  WITH picked AS (
    SELECT p.video_id FROM public.video_pipeline p
    JOIN public.videos v ON v.id = p.video_id
    WHERE ((p_loop = 'sync' AND v.status IN ('pending', 'processing'))
           OR (p_loop = 'archive' AND v.status = 'completed' AND v.archived_at IS NULL)
           OR (p_loop = 'retry' AND v.status IN ('draft', 'failed')
               AND p.retry_at IS NOT NULL AND p.retry_at <= p_now))
      AND (p.lease_until IS NULL OR p.lease_until <= p_now)
      AND (p.due_at IS NULL OR p.due_at <= p_now)
    ORDER BY p.due_at NULLS FIRST, p.video_id
    LIMIT p_limit
    FOR UPDATE OF p SKIP LOCKED FOR KEY SHARE OF v SKIP LOCKED
  ), taken AS (
    UPDATE public.video_pipeline p
    SET lease_owner = p_owner, lease_until = p_until
    FROM picked WHERE p.video_id = picked.video_id
    RETURNING p.video_id
  )
  SELECT v.* FROM public.videos v JOIN taken t ON t.video_id = v.id ORDER BY v.id;
END
$$;
