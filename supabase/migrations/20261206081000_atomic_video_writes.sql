-- Every write of several rows is one SQL function call (issue 17, item 4): on
-- Supabase each PostgREST request is its own transaction, so a crash (or a
-- refusal) between two requests would leave half a change behind. These
-- functions run as the caller (SECURITY INVOKER): row-level security and the
-- grants decide exactly as for single-row writes.

-- A video and the rows that change with it, all or nothing: its render jobs
-- (a report observed, a charge, a failure), a new render attempt, the retry
-- schedule and the lease of the pipeline (both system only: the caller needs
-- revideo_schedule_retry / revideo_release, which only service_role may run).
-- Used for archiving (video + charged job + lease), giving up on a stuck render
-- (video + job), a report adopted by its handle (job + video), a failure with
-- its planned retry (job + retry + video) and an attempt opened with its retry
-- schedule cleared (retry + new job); a webhook's report saved with the
-- delivery id that marks it as seen (so a replay is ignored only once it is).
--   p_jobs:    [{"id": ..., <video_render_jobs columns>}, ...] to update
--   p_new_job: a video_render_jobs row to insert, or null
--   p_retry:   {"at": timestamptz or null} to (re)schedule, or null to leave it
--   p_release: {"owner", "due", "checked"} to end the caller's lease, or null
--   p_delivery: {"id", "at"}: a webhook delivery to record as seen (23505 if it
--              was already), or null
--   p_video:   the videos columns to save, or null; `p_seen` is its optimistic
--              lock (40001 if the row changed since the caller read it)
-- Returns {"video": the saved video or null, "job": the new job or null}.
CREATE FUNCTION public.revideo_save_video(p_video_id uuid, p_video jsonb, p_seen timestamptz,
                                          p_jobs jsonb, p_new_job jsonb, p_retry jsonb,
                                          p_release jsonb, p_delivery jsonb)
  RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
DECLARE
  one jsonb;
  saved public.videos;
  added public.video_render_jobs;
BEGIN
  IF p_delivery IS NOT NULL THEN
    INSERT INTO public.webhook_deliveries (delivery_id, received_at)
    VALUES (p_delivery ->> 'id', (p_delivery ->> 'at')::timestamptz);
  END IF;
  FOR one IN SELECT e FROM jsonb_array_elements(coalesce(p_jobs, '[]'::jsonb)) AS e LOOP
    UPDATE public.video_render_jobs AS j
       SET (heygen_job_id, status, attempt_count, started_at, completed_at, cost_credits,
            error_message, failure_kind)
         = (SELECT r.heygen_job_id, r.status, r.attempt_count, r.started_at, r.completed_at,
                   r.cost_credits, r.error_message, r.failure_kind
              FROM jsonb_populate_record(j, one) AS r)
     WHERE j.id = (one ->> 'id')::uuid AND j.video_id = p_video_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'render job % cannot be changed', one ->> 'id' USING ERRCODE = '42501';
    END IF;
  END LOOP;
  IF p_new_job IS NOT NULL THEN
    INSERT INTO public.video_render_jobs AS j
           (id, video_id, user_id, heygen_job_id, status, attempt_count, started_at,
            completed_at, cost_credits, error_message, failure_kind)
    SELECT r.id, p_video_id, r.user_id, r.heygen_job_id, r.status, r.attempt_count,
           r.started_at, r.completed_at, r.cost_credits, r.error_message, r.failure_kind
      FROM jsonb_populate_record(NULL::public.video_render_jobs, p_new_job) AS r
    RETURNING j.* INTO added;
  END IF;
  IF p_retry IS NOT NULL THEN
    PERFORM public.revideo_schedule_retry(p_video_id, (p_retry ->> 'at')::timestamptz);
  END IF;
  IF p_release IS NOT NULL THEN
    PERFORM public.revideo_release(p_video_id, p_release ->> 'owner',
                                   (p_release ->> 'due')::timestamptz,
                                   (p_release ->> 'checked')::timestamptz);
  END IF;
  IF p_video IS NOT NULL THEN
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
  END IF;
  RETURN jsonb_build_object('video', CASE WHEN p_video IS NULL THEN NULL ELSE to_jsonb(saved) END,
                            'job', CASE WHEN p_new_job IS NULL THEN NULL ELSE to_jsonb(added) END);
END
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_save_video(uuid, jsonb, timestamptz, jsonb, jsonb,
                                                      jsonb, jsonb, jsonb) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.revideo_save_video(uuid, jsonb, timestamptz, jsonb, jsonb,
                                                     jsonb, jsonb, jsonb)
  TO authenticated, service_role;

-- Removing a photo: its row goes and the rest of the gallery closes up, in one
-- transaction (revideo_set_media_orders checks that every asked-for row moved).
-- 42501 when the photo is not the caller's to delete: nothing changes.
CREATE FUNCTION public.revideo_remove_media(p_media_id uuid, p_orders jsonb)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
BEGIN
  DELETE FROM public.property_media WHERE id = p_media_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'photo % cannot be deleted', p_media_id USING ERRCODE = '42501';
  END IF;
  IF jsonb_array_length(coalesce(p_orders, '[]'::jsonb)) > 0 THEN
    PERFORM public.revideo_set_media_orders(p_orders);
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_remove_media(uuid, jsonb) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.revideo_remove_media(uuid, jsonb) TO authenticated, service_role;

-- Adding several photos to a gallery at once (the upload's "all or none"): one
-- function call, so a refusal or a crash part-way cannot leave some of them.
-- `p_media` holds property_media rows as JSON; the stored rows come back.
CREATE FUNCTION public.revideo_add_media(p_media jsonb)
  RETURNS SETOF public.property_media
  LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = ''
AS $$
  INSERT INTO public.property_media (id, property_id, user_id, storage_path, public_url,
                                     mime_type, "order", file_name)
  SELECT m.id, m.property_id, m.user_id, m.storage_path, m.public_url, m.mime_type, m."order",
         coalesce(m.file_name, '')
    FROM jsonb_populate_recordset(NULL::public.property_media, p_media) AS m
  RETURNING *
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_add_media(jsonb) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.revideo_add_media(jsonb) TO authenticated, service_role;
