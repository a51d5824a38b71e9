-- One user's analytics summary counts their videos by status and sums the render cost of
-- their render jobs. The ad part reads the rollups (20261206082000); the cost sum read every
-- render job of the user (~3 per video), and the status count a second index. Now each
-- video carries the sum of its render jobs' costs (videos.render_cost), kept by a trigger
-- on video_render_jobs in the transaction of every job write, and one index-only scan of
-- videos (user_id, status) INCLUDE (render_cost) gives both the counts and the cost.
--
-- Why per video, not per user: a per-user counter row would serialize every worker of one
-- user on that row. The jobs of one video are written by the one worker holding the
-- video's lease (20261206070000), which updates that video's row in the same transactions
-- anyway, so the extra row lock is one it holds or takes next. The cost to a writer: one
-- UPDATE of its video row when a job's cost changes (not on job writes that leave the cost
-- as it was), and a non-HOT update since render_cost is in an index (status already is).
-- render_cost is not a domain field: nothing but the trigger writes it, and its change does
-- not bump videos.updated_at (the stale-render detection reads updated_at).

ALTER TABLE public.videos
  ADD COLUMN render_cost numeric(14, 4) NOT NULL DEFAULT 0 CHECK (render_cost >= 0);

UPDATE public.videos v SET render_cost = s.cost
FROM (SELECT j.video_id, sum(j.cost_credits) AS cost FROM public.video_render_jobs j
      WHERE j.cost_credits IS NOT NULL GROUP BY j.video_id) s
WHERE v.id = s.video_id AND s.cost <> 0;

-- The covering index replaces (user_id, status): same leading columns, one index to keep.
CREATE INDEX videos_user_status_cost_idx ON public.videos (user_id, status)
  INCLUDE (render_cost);
DROP INDEX public.videos_user_status_idx;

-- SECURITY DEFINER: the job's writer may not be the video's owner (a service worker, an
-- admin), and the videos' RLS update policy is for owners.
CREATE FUNCTION public.revideo_video_render_cost() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND coalesce(OLD.cost_credits, 0) <> 0 THEN
    UPDATE public.videos SET render_cost = render_cost - OLD.cost_credits
    WHERE id = OLD.video_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND coalesce(NEW.cost_credits, 0) <> 0 THEN
    UPDATE public.videos SET render_cost = render_cost + NEW.cost_credits
    WHERE id = NEW.video_id;
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION public.revideo_video_render_cost() FROM PUBLIC;

CREATE TRIGGER video_render_jobs_cost_insert AFTER INSERT ON public.video_render_jobs
  FOR EACH ROW WHEN (coalesce(NEW.cost_credits, 0) <> 0)
  EXECUTE FUNCTION public.revideo_video_render_cost();
CREATE TRIGGER video_render_jobs_cost_update AFTER UPDATE ON public.video_render_jobs
  FOR EACH ROW WHEN (OLD.cost_credits IS DISTINCT FROM NEW.cost_credits
                     OR OLD.video_id IS DISTINCT FROM NEW.video_id)
  EXECUTE FUNCTION public.revideo_video_render_cost();
CREATE TRIGGER video_render_jobs_cost_delete AFTER DELETE ON public.video_render_jobs
  FOR EACH ROW WHEN (coalesce(OLD.cost_credits, 0) <> 0)
  EXECUTE FUNCTION public.revideo_video_render_cost();

-- A change of render_cost alone (the trigger above) leaves updated_at as it was.
DROP TRIGGER videos_updated_at ON public.videos;
CREATE TRIGGER videos_updated_at BEFORE UPDATE ON public.videos
  FOR EACH ROW WHEN (OLD.render_cost IS NOT DISTINCT FROM NEW.render_cost)
  EXECUTE FUNCTION public.handle_updated_at();

-- The Supabase adapter's summary (as 20261206082000) with the counts and the cost from one
-- scan of the user's videos, as the PostgreSQL adapter does (adapters/postgres/analytics.py).
CREATE OR REPLACE FUNCTION public.revideo_ad_summary(f jsonb) RETURNS jsonb
  LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
DECLARE
  cut text := public.revideo_rollup_where(f);
  ads jsonb;
  by_status jsonb;
  cost numeric;
BEGIN
  IF cut IS NULL THEN
    SELECT public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions), sum(a.clicks),
                                    sum(a.leads))
    INTO ads FROM public.revideo_ad_rows(f) a;
  ELSE
    EXECUTE format('SELECT public.revideo_ad_totals(sum(r.spend), sum(r.impressions),'
                   ' sum(r.clicks), sum(r.leads)) FROM public.ad_daily_rollup r WHERE %s', cut)
    INTO ads;
  END IF;
  SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}'::jsonb), coalesce(sum(s.cost), 0)
  INTO by_status, cost
  FROM (SELECT v.status, count(*) AS n, sum(v.render_cost) AS cost FROM public.videos v
        WHERE (f ->> 'video_id' IS NULL OR v.id = (f ->> 'video_id')::uuid)
          AND (f ->> 'property_id' IS NULL OR v.property_id = (f ->> 'property_id')::uuid)
          AND (f ->> 'user_id' IS NULL OR v.user_id = (f ->> 'user_id')::uuid)
        GROUP BY v.status) s;
  RETURN jsonb_build_object('ads', ads, 'by_status', by_status, 'cost', cost::text);
END
$$;
