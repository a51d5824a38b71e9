-- The analytics SQL functions (the Supabase adapter's, via rpc()) read the rollups where the
-- filter allows, as the PostgreSQL adapter does (adapters/postgres/analytics.py):
--   * a cut only by user, day range and platform sums ad_daily_rollup (per user, day and
--     platform) instead of every ad row: summary, daily series, per platform, and the
--     breakdowns per platform, day and user;
--   * a breakdown per video or property without a day or platform cut reads the top rows of
--     ad_video_rollup / ad_property_rollup by their (user, spend) index;
--   * anything cut by video, property or import sums the ad rows, as before.
-- The rollups are sums of the ad rows kept by triggers in the transaction of every write
-- (20261206050000), so the figures are the same either way. SECURITY INVOKER as before: the
-- rollups' RLS policies let a user read their own rows and an admin everyone's.
-- The conditions are built as text with quoted literals (format %L) and run by EXECUTE, so
-- each call gets a plan for its own cut (an index scan for one user) rather than a generic
-- plan over "value IS NULL OR column = value".

-- The condition on rollup rows (alias r) for a filter; NULL when the filter cuts by video,
-- property or import (only the ad rows know those), or, with p_per_video, also by day or
-- platform (the per-video and per-property rollups hold all days and platforms).
CREATE FUNCTION public.revideo_rollup_where(f jsonb, p_per_video boolean DEFAULT false)
  RETURNS text
  LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT CASE
    WHEN f ->> 'video_id' IS NOT NULL OR f ->> 'property_id' IS NOT NULL
         OR f ->> 'import_id' IS NOT NULL THEN NULL
    WHEN p_per_video AND (f ->> 'date_from' IS NOT NULL OR f ->> 'date_to' IS NOT NULL
                          OR f ->> 'platform' IS NOT NULL) THEN NULL
    ELSE concat_ws(' AND ', 'true',
      CASE WHEN f ->> 'date_from' IS NOT NULL
        THEN format('r.day >= %L::date', f ->> 'date_from') END,
      CASE WHEN f ->> 'date_to' IS NOT NULL
        THEN format('r.day <= %L::date', f ->> 'date_to') END,
      CASE WHEN f ->> 'platform' IS NOT NULL
        THEN format('r.platform = %L::public.ad_platform', f ->> 'platform') END,
      CASE WHEN f ->> 'user_id' IS NOT NULL
        THEN format('r.user_id = %L::uuid', f ->> 'user_id') END)
  END
$$;

-- One breakdown row as the clients read it: {key, label, totals, ratios}.
CREATE FUNCTION public.revideo_breakdown_item(key text, label text, spend numeric,
                                              impressions numeric, clicks numeric,
                                              leads numeric) RETURNS jsonb
  LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'key', key, 'label', label,
    'totals', public.revideo_ad_totals(spend, impressions, clicks, leads),
    'ratios', jsonb_build_object(
      'cpl', public.ratio4(spend, leads)::text,
      'ctr', public.ratio4(clicks, impressions)::text,
      'cpc', public.ratio4(spend, clicks)::text,
      'cpm', public.ratio4(spend * 1000, impressions)::text,
      'lead_rate', public.ratio4(leads, clicks)::text))
$$;

CREATE OR REPLACE FUNCTION public.revideo_ad_summary(f jsonb) RETURNS jsonb
  LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
DECLARE
  cut text := public.revideo_rollup_where(f);
  ads jsonb;
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
  RETURN jsonb_build_object(
    'ads', ads,
    'by_status', (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}'::jsonb)
                  FROM (SELECT v.status, count(*) AS n FROM public.videos v
                        WHERE (f ->> 'video_id' IS NULL OR v.id = (f ->> 'video_id')::uuid)
                          AND (f ->> 'property_id' IS NULL
                               OR v.property_id = (f ->> 'property_id')::uuid)
                          AND (f ->> 'user_id' IS NULL OR v.user_id = (f ->> 'user_id')::uuid)
                        GROUP BY v.status) s),
    'cost', (SELECT coalesce(sum(j.cost_credits), 0)::text FROM public.video_render_jobs j
             WHERE (f ->> 'video_id' IS NULL OR j.video_id = (f ->> 'video_id')::uuid)
               AND (f ->> 'user_id' IS NULL OR j.user_id = (f ->> 'user_id')::uuid)
               AND (f ->> 'property_id' IS NULL OR j.video_id IN (
                     SELECT v.id FROM public.videos v
                     WHERE v.property_id = (f ->> 'property_id')::uuid))));
END
$$;

CREATE OR REPLACE FUNCTION public.revideo_ad_daily(f jsonb) RETURNS jsonb
  LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
DECLARE
  cut text := public.revideo_rollup_where(f);
  result jsonb;
BEGIN
  IF cut IS NULL THEN
    SELECT coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'totals', d.totals)
                              ORDER BY d.day), '[]'::jsonb)
    INTO result
    FROM (SELECT a.date_recorded AS day,
                 public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions),
                                          sum(a.clicks), sum(a.leads)) AS totals
          FROM public.revideo_ad_rows(f) a GROUP BY a.date_recorded) d;
    RETURN result;
  END IF;
  EXECUTE format($q$
    SELECT coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'totals', d.totals)
                              ORDER BY d.day), '[]'::jsonb)
    FROM (SELECT r.day, public.revideo_ad_totals(sum(r.spend), sum(r.impressions),
                                                 sum(r.clicks), sum(r.leads)) AS totals
          FROM public.ad_daily_rollup r WHERE %s GROUP BY r.day) d $q$, cut)
  INTO result;
  RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION public.revideo_ad_by_platform(f jsonb) RETURNS jsonb
  LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
DECLARE
  cut text := public.revideo_rollup_where(f);
  result jsonb;
BEGIN
  IF cut IS NULL THEN
    SELECT coalesce(jsonb_object_agg(g.platform, g.totals), '{}'::jsonb) INTO result
    FROM (SELECT a.platform,
                 public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions),
                                          sum(a.clicks), sum(a.leads)) AS totals
          FROM public.revideo_ad_rows(f) a GROUP BY a.platform) g;
    RETURN result;
  END IF;
  EXECUTE format($q$
    SELECT coalesce(jsonb_object_agg(g.platform, g.totals), '{}'::jsonb)
    FROM (SELECT r.platform, public.revideo_ad_totals(sum(r.spend), sum(r.impressions),
                                                      sum(r.clicks), sum(r.leads)) AS totals
          FROM public.ad_daily_rollup r WHERE %s GROUP BY r.platform) g $q$, cut)
  INTO result;
  RETURN result;
END
$$;

-- Ad totals and ratios per video, property, platform, day or user, biggest spend first,
-- then by label and key, the first p_limit (all when NULL): [{key, label, totals, ratios}].
DROP FUNCTION public.revideo_ad_breakdown(jsonb, text);
CREATE FUNCTION public.revideo_ad_breakdown(f jsonb, by text, p_limit integer DEFAULT NULL)
  RETURNS jsonb
  LANGUAGE plpgsql STABLE SET search_path = ''
AS $$
DECLARE
  per_video boolean := by IN ('video', 'property');
  cut text := public.revideo_rollup_where(f, per_video);
  groups text;
  result jsonb;
BEGIN
  IF cut IS NULL THEN  -- the ad rows ($2 is the filter)
    groups := format($q$
      SELECT %s AS key, min(%s) AS label, coalesce(sum(a.spend_amount), 0.00) AS spend,
             coalesce(sum(a.impressions), 0) AS impressions,
             coalesce(sum(a.clicks), 0) AS clicks, coalesce(sum(a.leads), 0) AS leads
      FROM public.revideo_ad_rows($2) a
      LEFT JOIN public.videos v ON v.id = a.video_id
      LEFT JOIN public.properties p ON p.id = v.property_id
      LEFT JOIN public.profiles u ON u.id = a.user_id
      WHERE %s GROUP BY 1 $q$,
      CASE by WHEN 'video' THEN 'a.video_id::text' WHEN 'property' THEN 'v.property_id::text'
              WHEN 'platform' THEN 'a.platform::text' WHEN 'day' THEN 'a.date_recorded::text'
              ELSE 'a.user_id::text' END,
      CASE by WHEN 'video' THEN 'v.title' WHEN 'property' THEN 'p.title'
              WHEN 'platform' THEN 'a.platform::text' WHEN 'day' THEN 'a.date_recorded::text'
              ELSE 'u.email' END,
      CASE WHEN by = 'property' THEN 'p.id IS NOT NULL' ELSE 'true' END);
  ELSIF per_video THEN  -- one rollup row per video or property: the top ones by spend index
    groups := format($q$
      SELECT r.%1$I::text AS key, t.title AS label, r.spend, r.impressions, r.clicks, r.leads
      FROM public.%2$I r JOIN public.%3$I t ON t.id = r.%1$I
      WHERE %4$s
      ORDER BY r.spend DESC, t.title COLLATE "C", r.%1$I::text COLLATE "C" LIMIT $1 $q$,
      by || '_id', 'ad_' || by || '_rollup',
      CASE by WHEN 'video' THEN 'videos' ELSE 'properties' END, cut);
  ELSE  -- per platform, day or user: the daily rollup
    groups := format($q$
      SELECT %1$s AS key, min(%2$s) AS label, coalesce(sum(r.spend), 0.00) AS spend,
             coalesce(sum(r.impressions), 0) AS impressions,
             coalesce(sum(r.clicks), 0) AS clicks, coalesce(sum(r.leads), 0) AS leads
      FROM public.ad_daily_rollup r LEFT JOIN public.profiles u ON u.id = r.user_id
      WHERE %3$s GROUP BY 1 $q$,
      CASE by WHEN 'platform' THEN 'r.platform::text' WHEN 'day' THEN 'r.day::text'
              ELSE 'r.user_id::text' END,
      CASE by WHEN 'platform' THEN 'r.platform::text' WHEN 'day' THEN 'r.day::text'
              ELSE 'u.email' END,
      cut);
  END IF;
  EXECUTE format($q$
    SELECT coalesce(jsonb_agg(public.revideo_breakdown_item(
             g.key, g.label, g.spend, g.impressions, g.clicks, g.leads)
             ORDER BY g.spend DESC, g.label COLLATE "C", g.key COLLATE "C"), '[]'::jsonb)
    FROM (SELECT s.key, coalesce(s.label, s.key) AS label, s.spend, s.impressions, s.clicks,
                 s.leads
          FROM (%s) s
          ORDER BY s.spend DESC, coalesce(s.label, s.key) COLLATE "C", s.key COLLATE "C"
          LIMIT $1) g $q$, groups)
  INTO result USING p_limit, f;
  RETURN result;
END
$$;
