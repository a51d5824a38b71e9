-- The video list's free-text search looks in the script too, not only the title
-- (the same filter as the PostgreSQL adapter's and the in-memory one's).

CREATE OR REPLACE FUNCTION public.revideo_video_page(p_status text, p_purpose text,
                                                     p_property_id uuid, p_search text,
                                                     p_limit integer, p_offset integer)
  RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  WITH m AS (
    SELECT * FROM public.videos v
    WHERE (p_status IS NULL OR v.status = p_status::public.video_status)
      AND (p_purpose IS NULL OR v.purpose = p_purpose::public.video_purpose)
      AND (p_property_id IS NULL OR v.property_id = p_property_id)
      AND (coalesce(p_search, '') = ''
           OR strpos(lower(v.title), lower(p_search)) > 0
           OR strpos(lower(v.script_content), lower(p_search)) > 0)
  )
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM m),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.created_at DESC, x.id DESC),
                              '[]'::jsonb)
              FROM (SELECT * FROM m ORDER BY created_at DESC, id DESC
                    LIMIT p_limit OFFSET p_offset) x))
$$;
