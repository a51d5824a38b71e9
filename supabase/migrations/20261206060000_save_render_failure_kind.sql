-- revideo_save_render (20261206040000) predates the render jobs' failure_kind
-- (20261206030000 adds the column and requires it on failed jobs): save it too,
-- so a failed attempt saved through the function keeps why it failed.
CREATE OR REPLACE FUNCTION public.revideo_save_render(p_video_id uuid, p_video jsonb,
                                                      p_seen timestamptz, p_job_id uuid,
                                                      p_job jsonb)
  RETURNS SETOF public.videos
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  saved public.videos;
BEGIN
  UPDATE public.video_render_jobs AS j
     SET (heygen_job_id, status, attempt_count, started_at, completed_at, cost_credits,
          error_message, failure_kind)
       = (SELECT r.heygen_job_id, r.status, r.attempt_count, r.started_at, r.completed_at,
                 r.cost_credits, r.error_message, r.failure_kind
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
