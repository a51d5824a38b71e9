-- Ad figures per source ad (design.md §2, issue 19).
--
-- ad_performance keeps its meaning for readers: every row counts, analytics sum them. A row
-- typed in by hand has no import_id (one per video, platform and day, as before). An imported
-- row holds one source ad's figures (the report's ad/campaign ids and names) for one day,
-- from the report import_id names; per user, platform, source ad and day there is one such
-- row: the newest report's. Figures an import replaced, or that came from an older report
-- than those stored, wait in ad_figure_versions, so undoing an import restores them.
-- Existing rows become hand-typed rows: nothing is lost and nothing is double counted.
--
-- ad_daily_rollup and ad_video_rollup hold sums of ad_performance kept by statement
-- triggers in the transaction of every write (imports, edits, cascades, COPY), so the
-- analytics read a few rows instead of every ad row.

-- Imported reports ---------------------------------------------------------------------
CREATE TABLE public.ad_imports (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  platform       public.ad_platform NOT NULL,
  file_name      text NOT NULL DEFAULT '' CHECK (char_length(file_name) <= 255),
  file_hash      text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  as_of          date NOT NULL,
  imported_by    text NOT NULL DEFAULT '' CHECK (char_length(imported_by) <= 320),
  imported_at    timestamptz NOT NULL DEFAULT now(),
  rows_read      bigint NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
  added          bigint NOT NULL DEFAULT 0 CHECK (added >= 0),
  updated        bigint NOT NULL DEFAULT 0 CHECK (updated >= 0),
  unchanged      bigint NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
  older          bigint NOT NULL DEFAULT 0 CHECK (older >= 0),
  flagged        bigint NOT NULL DEFAULT 0 CHECK (flagged >= 0),
  error_count    bigint NOT NULL DEFAULT 0 CHECK (error_count >= 0),
  unmapped_count bigint NOT NULL DEFAULT 0 CHECK (unmapped_count >= 0),
  totals         jsonb NOT NULL DEFAULT '{}'::jsonb,
  details        jsonb NOT NULL DEFAULT '{}'::jsonb,
  undone_at      timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- the same file twice is one import (until it is undone)
CREATE UNIQUE INDEX ad_imports_live_file_key ON public.ad_imports (user_id, file_hash)
  WHERE undone_at IS NULL;
CREATE INDEX ad_imports_user_idx ON public.ad_imports (user_id, seq DESC);
CREATE TRIGGER ad_imports_updated_at BEFORE UPDATE ON public.ad_imports
  FOR EACH ROW EXECUTE FUNCTION public.handle_updated_at();

-- ad_performance: the source ad and the report (source_key: a hash, compared byte by byte) --
ALTER TABLE public.ad_performance
  ADD COLUMN import_id uuid REFERENCES public.ad_imports (id) ON DELETE CASCADE,
  ADD COLUMN source_key text COLLATE "C" NOT NULL DEFAULT ''
    CHECK (char_length(source_key) <= 64),
  ADD COLUMN ad_id text NOT NULL DEFAULT '' CHECK (char_length(ad_id) <= 200),
  ADD COLUMN ad_name text NOT NULL DEFAULT '' CHECK (char_length(ad_name) <= 500),
  ADD COLUMN ad_set_name text NOT NULL DEFAULT '' CHECK (char_length(ad_set_name) <= 500),
  ADD COLUMN campaign_id text NOT NULL DEFAULT '' CHECK (char_length(campaign_id) <= 200),
  ADD COLUMN campaign_name text NOT NULL DEFAULT '' CHECK (char_length(campaign_name) <= 500),
  ADD CONSTRAINT ad_performance_source_check CHECK ((import_id IS NULL) = (source_key = ''));
ALTER TABLE public.ad_performance DROP CONSTRAINT ad_performance_video_platform_day_key;
-- hand-typed: one row per video, platform and day (the old natural key)
CREATE UNIQUE INDEX ad_performance_video_platform_day_key
  ON public.ad_performance (video_id, platform, date_recorded) WHERE import_id IS NULL;
-- imported: one row per user, platform, source ad and day
CREATE UNIQUE INDEX ad_performance_source_day_key
  ON public.ad_performance (user_id, platform, source_key, date_recorded)
  WHERE import_id IS NOT NULL;
CREATE INDEX ad_performance_import_idx ON public.ad_performance (import_id)
  WHERE import_id IS NOT NULL;
CREATE INDEX ad_performance_video_day_idx ON public.ad_performance (video_id, date_recorded);
-- covering: a user's figures by day come from the index alone
DROP INDEX public.ad_performance_user_day_idx;
CREATE INDEX ad_performance_user_day_idx ON public.ad_performance (user_id, date_recorded)
  INCLUDE (platform, video_id, spend_amount, impressions, clicks, leads);

-- Figures kept aside: replaced by a newer report, or older than those stored ------------
CREATE TABLE public.ad_figure_versions (
  import_id      uuid NOT NULL REFERENCES public.ad_imports (id) ON DELETE CASCADE,
  user_id        uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  video_id       uuid NOT NULL,
  platform       public.ad_platform NOT NULL,
  source_key     text COLLATE "C" NOT NULL
    CHECK (source_key <> '' AND char_length(source_key) <= 64),
  date_recorded  date NOT NULL,
  spend_amount   numeric(10, 2) NOT NULL CHECK (spend_amount >= 0),
  impressions    bigint NOT NULL CHECK (impressions >= 0),
  clicks         bigint NOT NULL CHECK (clicks >= 0),
  leads          bigint NOT NULL CHECK (leads >= 0),
  ad_id          text NOT NULL DEFAULT '',
  ad_name        text NOT NULL DEFAULT '',
  ad_set_name    text NOT NULL DEFAULT '',
  campaign_id    text NOT NULL DEFAULT '',
  campaign_name  text NOT NULL DEFAULT '',
  PRIMARY KEY (import_id, platform, source_key, date_recorded),
  CONSTRAINT ad_figure_versions_video_owner_fkey FOREIGN KEY (video_id, user_id)
    REFERENCES public.videos (id, user_id) ON DELETE CASCADE
);
CREATE INDEX ad_figure_versions_key_idx
  ON public.ad_figure_versions (user_id, platform, source_key, date_recorded);

ALTER TABLE public.ad_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ad_figure_versions ENABLE ROW LEVEL SECURITY;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ad_imports', 'ad_figure_versions']
  LOOP
    EXECUTE format(
      'CREATE POLICY %I ON public.%I FOR SELECT TO authenticated '
      'USING (user_id = (SELECT auth.uid()) OR (SELECT public.is_admin()))', t || '_select', t);
    EXECUTE format(
      'CREATE POLICY %I ON public.%I FOR INSERT TO authenticated '
      'WITH CHECK (user_id = (SELECT auth.uid()))', t || '_insert_own', t);
    EXECUTE format(
      'CREATE POLICY %I ON public.%I FOR UPDATE TO authenticated '
      'USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()))',
      t || '_update_own', t);
    EXECUTE format(
      'CREATE POLICY %I ON public.%I FOR DELETE TO authenticated '
      'USING (user_id = (SELECT auth.uid()))', t || '_delete_own', t);
  END LOOP;
END
$$;

-- Rollups --------------------------------------------------------------------------------
CREATE TABLE public.ad_daily_rollup (
  user_id     uuid NOT NULL,
  day         date NOT NULL,
  platform    public.ad_platform NOT NULL,
  spend       numeric NOT NULL,
  impressions numeric NOT NULL,
  clicks      numeric NOT NULL,
  leads       numeric NOT NULL,
  row_count   bigint NOT NULL,
  PRIMARY KEY (user_id, day, platform)
);
CREATE INDEX ad_daily_rollup_day_idx ON public.ad_daily_rollup (day);
CREATE TABLE public.ad_video_rollup (
  video_id    uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  property_id uuid,
  spend       numeric NOT NULL,
  impressions numeric NOT NULL,
  clicks      numeric NOT NULL,
  leads       numeric NOT NULL,
  row_count   bigint NOT NULL
);
CREATE TABLE public.ad_property_rollup (
  property_id uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  spend       numeric NOT NULL,
  impressions numeric NOT NULL,
  clicks      numeric NOT NULL,
  leads       numeric NOT NULL,
  row_count   bigint NOT NULL
);
CREATE INDEX ad_property_rollup_user_spend_idx ON public.ad_property_rollup (user_id, spend DESC);
CREATE INDEX ad_property_rollup_spend_idx ON public.ad_property_rollup (spend DESC);
CREATE INDEX ad_property_rollup_empty_idx ON public.ad_property_rollup (property_id)
  WHERE row_count = 0;
CREATE INDEX ad_video_rollup_user_spend_idx ON public.ad_video_rollup (user_id, spend DESC);
CREATE INDEX ad_video_rollup_spend_idx ON public.ad_video_rollup (spend DESC);
CREATE INDEX ad_video_rollup_empty_idx ON public.ad_video_rollup (video_id) WHERE row_count = 0;
CREATE INDEX ad_daily_rollup_empty_idx ON public.ad_daily_rollup (user_id) WHERE row_count = 0;

-- read-only for users: only the triggers write them
ALTER TABLE public.ad_daily_rollup ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ad_video_rollup ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ad_property_rollup ENABLE ROW LEVEL SECURITY;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE
  ON public.ad_daily_rollup, public.ad_video_rollup, public.ad_property_rollup
  FROM anon, authenticated;
CREATE POLICY ad_property_rollup_select ON public.ad_property_rollup FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()) OR (SELECT public.is_admin()));
CREATE POLICY ad_daily_rollup_select ON public.ad_daily_rollup FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()) OR (SELECT public.is_admin()));
CREATE POLICY ad_video_rollup_select ON public.ad_video_rollup FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()) OR (SELECT public.is_admin()));

-- Adds the signed rows of `delta` (a query over the trigger's transition tables giving
-- user_id, date_recorded, platform, video_id, the four figures and sign s) to both rollups.
CREATE FUNCTION public.ad_rollups_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
DECLARE
  delta text;
BEGIN
  delta := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS s FROM new_rows n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS s FROM old_rows o'
    ELSE 'SELECT n.*, 1 AS s FROM new_rows n UNION ALL SELECT o.*, -1 AS s FROM old_rows o'
  END;
  EXECUTE format($q$
    INSERT INTO public.ad_daily_rollup AS r
      (user_id, day, platform, spend, impressions, clicks, leads, row_count)
    SELECT d.user_id, d.date_recorded, d.platform, sum(d.s * d.spend_amount),
           sum(d.s * d.impressions), sum(d.s * d.clicks), sum(d.s * d.leads), sum(d.s)
    FROM (%s) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (user_id, day, platform) DO UPDATE SET
      spend = r.spend + EXCLUDED.spend, impressions = r.impressions + EXCLUDED.impressions,
      clicks = r.clicks + EXCLUDED.clicks, leads = r.leads + EXCLUDED.leads,
      row_count = r.row_count + EXCLUDED.row_count $q$, delta);
  -- per property: a deleted video's rows find their property in its rollup row (the video
  -- itself is gone when a cascade deletes them), new rows in the videos table
  EXECUTE format($q$
    INSERT INTO public.ad_property_rollup AS r
      (property_id, user_id, spend, impressions, clicks, leads, row_count)
    SELECT coalesce(vr.property_id, v.property_id), min(d.user_id::text)::uuid,
           sum(d.s * d.spend_amount), sum(d.s * d.impressions), sum(d.s * d.clicks),
           sum(d.s * d.leads), sum(d.s)
    FROM (%s) d
    LEFT JOIN public.ad_video_rollup vr ON vr.video_id = d.video_id
    LEFT JOIN public.videos v ON v.id = d.video_id
    WHERE coalesce(vr.property_id, v.property_id) IS NOT NULL
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (property_id) DO UPDATE SET
      spend = r.spend + EXCLUDED.spend, impressions = r.impressions + EXCLUDED.impressions,
      clicks = r.clicks + EXCLUDED.clicks, leads = r.leads + EXCLUDED.leads,
      row_count = r.row_count + EXCLUDED.row_count $q$, delta);
  EXECUTE format($q$
    INSERT INTO public.ad_video_rollup AS r
      (video_id, user_id, property_id, spend, impressions, clicks, leads, row_count)
    SELECT g.video_id, g.user_id, v.property_id, g.spend, g.impressions, g.clicks, g.leads,
           g.n
    FROM (SELECT d.video_id, min(d.user_id::text)::uuid AS user_id,
                 sum(d.s * d.spend_amount) AS spend, sum(d.s * d.impressions) AS impressions,
                 sum(d.s * d.clicks) AS clicks, sum(d.s * d.leads) AS leads, sum(d.s) AS n
          FROM (%s) d GROUP BY 1) g
    LEFT JOIN public.videos v ON v.id = g.video_id
    ORDER BY 1
    ON CONFLICT (video_id) DO UPDATE SET
      spend = r.spend + EXCLUDED.spend, impressions = r.impressions + EXCLUDED.impressions,
      clicks = r.clicks + EXCLUDED.clicks, leads = r.leads + EXCLUDED.leads,
      row_count = r.row_count + EXCLUDED.row_count,
      property_id = coalesce(r.property_id, EXCLUDED.property_id) $q$, delta);
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM public.ad_daily_rollup WHERE row_count = 0;
    DELETE FROM public.ad_video_rollup WHERE row_count = 0;
    DELETE FROM public.ad_property_rollup WHERE row_count = 0;
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION public.ad_rollups_apply() FROM public, anon, authenticated;

CREATE TRIGGER ad_performance_rollup_insert AFTER INSERT ON public.ad_performance
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.ad_rollups_apply();
CREATE TRIGGER ad_performance_rollup_update AFTER UPDATE ON public.ad_performance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.ad_rollups_apply();
CREATE TRIGGER ad_performance_rollup_delete AFTER DELETE ON public.ad_performance
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.ad_rollups_apply();

-- the rows there are already
INSERT INTO public.ad_daily_rollup
  (user_id, day, platform, spend, impressions, clicks, leads, row_count)
SELECT user_id, date_recorded, platform, sum(spend_amount), sum(impressions), sum(clicks),
       sum(leads), count(*)
FROM public.ad_performance GROUP BY 1, 2, 3;
INSERT INTO public.ad_video_rollup
  (video_id, user_id, property_id, spend, impressions, clicks, leads, row_count)
SELECT a.video_id, v.user_id, v.property_id, sum(a.spend_amount), sum(a.impressions),
       sum(a.clicks), sum(a.leads), count(*)
FROM public.ad_performance a JOIN public.videos v ON v.id = a.video_id GROUP BY 1, 2, 3;
INSERT INTO public.ad_property_rollup
  (property_id, user_id, spend, impressions, clicks, leads, row_count)
SELECT v.property_id, v.user_id, sum(a.spend_amount), sum(a.impressions), sum(a.clicks),
       sum(a.leads), count(*)
FROM public.ad_performance a JOIN public.videos v ON v.id = a.video_id GROUP BY 1, 2;

-- Render cost and video counts per user from indexes alone (the analytics summary)
CREATE INDEX IF NOT EXISTS video_render_jobs_user_cost_idx
  ON public.video_render_jobs (user_id) INCLUDE (video_id, cost_credits);
CREATE INDEX IF NOT EXISTS videos_user_status_idx ON public.videos (user_id, status);
