-- SQL functions for clients that reach the database only through PostgREST
-- (revideo's Supabase adapter: supabase-py `rpc()`): filtered pages with their
-- total, the analytics aggregates (design.md §5, same formulas as ratio4()),
-- the bulk ad merge, and the pipeline's leases.
--
-- Every function but the lease ones runs with the caller's rights (SECURITY
-- INVOKER, the default), so row-level security decides exactly as it does for
-- table reads: a user aggregates their own rows, an admin everyone's.
-- Money leaves these functions as text so no client parses it as a float.

-- Ad rows matching a filter object:
--   {date_from, date_to, platform, property_id, video_id, user_id} (all optional).
CREATE FUNCTION public.revideo_ad_rows(f jsonb) RETURNS SETOF public.ad_performance
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT a.* FROM public.ad_performance a
  WHERE (f ->> 'date_from' IS NULL OR a.date_recorded >= (f ->> 'date_from')::date)
    AND (f ->> 'date_to' IS NULL OR a.date_recorded <= (f ->> 'date_to')::date)
    AND (f ->> 'platform' IS NULL OR a.platform = (f ->> 'platform')::public.ad_platform)
    AND (f ->> 'video_id' IS NULL OR a.video_id = (f ->> 'video_id')::uuid)
    AND (f ->> 'user_id' IS NULL OR a.user_id = (f ->> 'user_id')::uuid)
    AND (f ->> 'property_id' IS NULL OR a.video_id IN (
          SELECT v.id FROM public.videos v WHERE v.property_id = (f ->> 'property_id')::uuid))
$$;

-- Sums of a set of ad rows as {spend (text), impressions, clicks, leads}.
CREATE FUNCTION public.revideo_ad_totals(spend numeric, impressions numeric,
                                         clicks numeric, leads numeric) RETURNS jsonb
  LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'spend', coalesce(spend, 0.00)::text,
    'impressions', coalesce(impressions, 0),
    'clicks', coalesce(clicks, 0),
    'leads', coalesce(leads, 0))
$$;

CREATE FUNCTION public.revideo_ad_summary(f jsonb) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'ads', (SELECT public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions),
                                            sum(a.clicks), sum(a.leads))
            FROM public.revideo_ad_rows(f) a),
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
                     WHERE v.property_id = (f ->> 'property_id')::uuid))))
$$;

-- Ad totals per day, oldest first: [{day, totals}].
CREATE FUNCTION public.revideo_ad_daily(f jsonb) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'totals', d.totals)
                            ORDER BY d.day), '[]'::jsonb)
  FROM (SELECT a.date_recorded AS day,
               public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions),
                                        sum(a.clicks), sum(a.leads)) AS totals
        FROM public.revideo_ad_rows(f) a GROUP BY a.date_recorded) d
$$;

-- Ad totals per platform: {platform: totals}.
CREATE FUNCTION public.revideo_ad_by_platform(f jsonb) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT coalesce(jsonb_object_agg(g.platform, g.totals), '{}'::jsonb)
  FROM (SELECT a.platform,
               public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions),
                                        sum(a.clicks), sum(a.leads)) AS totals
        FROM public.revideo_ad_rows(f) a GROUP BY a.platform) g
$$;

-- Ad totals and ratios per video, property, platform, day or user, biggest
-- spend first, then by label: [{key, label, totals, ratios}].
CREATE FUNCTION public.revideo_ad_breakdown(f jsonb, by text) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'key', g.key, 'label', coalesce(g.label, g.key),
           'totals', public.revideo_ad_totals(g.spend, g.impressions, g.clicks, g.leads),
           'ratios', jsonb_build_object(
             'cpl', public.ratio4(g.spend, g.leads)::text,
             'ctr', public.ratio4(g.clicks, g.impressions)::text,
             'cpc', public.ratio4(g.spend, g.clicks)::text,
             'cpm', public.ratio4(g.spend * 1000, g.impressions)::text,
             'lead_rate', public.ratio4(g.leads, g.clicks)::text))
         ORDER BY g.spend DESC, coalesce(g.label, g.key) COLLATE "C", g.key COLLATE "C"),
         '[]'::jsonb)
  FROM (SELECT CASE by WHEN 'video' THEN a.video_id::text
                       WHEN 'property' THEN v.property_id::text
                       WHEN 'platform' THEN a.platform::text
                       WHEN 'day' THEN a.date_recorded::text
                       ELSE a.user_id::text END AS key,
               min(CASE by WHEN 'video' THEN v.title
                           WHEN 'property' THEN p.title
                           WHEN 'platform' THEN a.platform::text
                           WHEN 'day' THEN a.date_recorded::text
                           ELSE u.email END) AS label,
               coalesce(sum(a.spend_amount), 0.00) AS spend,
               coalesce(sum(a.impressions), 0) AS impressions,
               coalesce(sum(a.clicks), 0) AS clicks,
               coalesce(sum(a.leads), 0) AS leads
        FROM public.revideo_ad_rows(f) a
        LEFT JOIN public.videos v ON v.id = a.video_id
        LEFT JOIN public.properties p ON p.id = v.property_id
        LEFT JOIN public.profiles u ON u.id = a.user_id
        WHERE by IN ('video', 'platform', 'day', 'user') OR p.id IS NOT NULL
        GROUP BY 1) g
$$;

-- Pages with their total: {total, items: [row, ...]} --------------------------

CREATE FUNCTION public.revideo_property_page(p_search text, p_category text, p_city text,
                                             p_limit integer, p_offset integer) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  WITH m AS (
    SELECT * FROM public.properties p
    WHERE (p_category IS NULL OR p.category = p_category::public.property_category)
      AND (coalesce(p_city, '') = '' OR lower(p.address ->> 'city') = lower(p_city))
      AND (coalesce(p_search, '') = '' OR strpos(lower(concat_ws(' ', p.title, p.description,
            concat_ws(', ', nullif(p.address ->> 'street', ''), nullif(p.address ->> 'city', ''),
              nullif(concat_ws(' ', nullif(p.address ->> 'state', ''),
                               nullif(p.address ->> 'zip', '')), '')))), lower(p_search)) > 0)
  )
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM m),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.created_at DESC, x.id DESC),
                              '[]'::jsonb)
              FROM (SELECT * FROM m ORDER BY created_at DESC, id DESC
                    LIMIT p_limit OFFSET p_offset) x))
$$;

CREATE FUNCTION public.revideo_property_cities() RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT coalesce(jsonb_agg(c.city ORDER BY c.city COLLATE "C"), '[]'::jsonb)
  FROM (SELECT DISTINCT p.address ->> 'city' AS city FROM public.properties p
        WHERE coalesce(p.address ->> 'city', '') <> '') c
$$;

CREATE FUNCTION public.revideo_video_page(p_status text, p_purpose text, p_property_id uuid,
                                          p_search text, p_limit integer, p_offset integer)
  RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  WITH m AS (
    SELECT * FROM public.videos v
    WHERE (p_status IS NULL OR v.status = p_status::public.video_status)
      AND (p_purpose IS NULL OR v.purpose = p_purpose::public.video_purpose)
      AND (p_property_id IS NULL OR v.property_id = p_property_id)
      AND (coalesce(p_search, '') = '' OR strpos(lower(v.title), lower(p_search)) > 0)
  )
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM m),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.created_at DESC, x.id DESC),
                              '[]'::jsonb)
              FROM (SELECT * FROM m ORDER BY created_at DESC, id DESC
                    LIMIT p_limit OFFSET p_offset) x))
$$;

CREATE FUNCTION public.revideo_ad_page(f jsonb, p_limit integer, p_offset integer) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  WITH m AS (SELECT * FROM public.revideo_ad_rows(f))
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM m),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x)
                                        ORDER BY x.date_recorded DESC, x.created_at DESC,
                                                 x.id DESC), '[]'::jsonb)
              FROM (SELECT * FROM m ORDER BY date_recorded DESC, created_at DESC, id DESC
                    LIMIT p_limit OFFSET p_offset) x))
$$;

CREATE FUNCTION public.revideo_profile_page(p_limit integer, p_offset integer) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM public.profiles),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.email COLLATE "C", x.id),
                              '[]'::jsonb)
              FROM (SELECT * FROM public.profiles ORDER BY email COLLATE "C", id
                    LIMIT p_limit OFFSET p_offset) x))
$$;

-- Bulk ad import: insert the rows whose (video, platform, day) is new, keep
-- the others. Runs as the caller, so RLS checks each new row's owner.
-- Returns {added: [ids], staged: n}.
CREATE FUNCTION public.revideo_merge_ads(p_rows jsonb) RETURNS jsonb
  LANGUAGE sql VOLATILE SET search_path = ''
AS $$
  WITH src AS (
    SELECT * FROM jsonb_to_recordset(p_rows) AS r(
      id uuid, video_id uuid, user_id uuid, platform public.ad_platform, date_recorded date,
      spend_amount numeric(10, 2), impressions bigint, clicks bigint, leads bigint)
  ), added AS (
    INSERT INTO public.ad_performance AS a
      (id, video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks, leads)
    SELECT id, video_id, user_id, platform, date_recorded, spend_amount, impressions, clicks,
           leads
    FROM src
    ON CONFLICT (video_id, platform, date_recorded) DO NOTHING
    RETURNING a.id
  )
  SELECT jsonb_build_object('added', (SELECT coalesce(jsonb_agg(id), '[]'::jsonb) FROM added),
                            'staged', (SELECT count(*) FROM src))
$$;

-- The pipeline's leases (see 20260102000000_pipeline.sql), one request each.
-- System only: executable by service_role, not by anon or authenticated.

CREATE FUNCTION public.revideo_lease(p_loop text, p_owner text, p_now timestamptz,
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
    FOR UPDATE OF p SKIP LOCKED
  ), taken AS (
    UPDATE public.video_pipeline p
    SET lease_owner = p_owner, lease_until = p_until
    FROM picked WHERE p.video_id = picked.video_id
    RETURNING p.video_id
  )
  SELECT v.* FROM public.videos v JOIN taken t ON t.video_id = v.id ORDER BY v.id;
END
$$;

CREATE FUNCTION public.revideo_release(p_video_id uuid, p_owner text, p_due timestamptz,
                                       p_checked timestamptz) RETURNS void
  LANGUAGE sql VOLATILE SET search_path = ''
AS $$
  UPDATE public.video_pipeline
  SET lease_owner = NULL, lease_until = NULL, due_at = p_due, checked_at = p_checked
  WHERE video_id = p_video_id AND lease_owner = p_owner
$$;

CREATE FUNCTION public.revideo_schedule_retry(p_video_id uuid, p_at timestamptz) RETURNS void
  LANGUAGE sql VOLATILE SET search_path = ''
AS $$
  INSERT INTO public.video_pipeline (video_id, retry_at) VALUES (p_video_id, p_at)
  ON CONFLICT (video_id) DO UPDATE SET retry_at = EXCLUDED.retry_at
$$;

REVOKE EXECUTE ON FUNCTION public.revideo_lease(text, text, timestamptz, timestamptz, integer),
  public.revideo_release(uuid, text, timestamptz, timestamptz),
  public.revideo_schedule_retry(uuid, timestamptz)
  FROM public, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.revideo_lease(text, text, timestamptz, timestamptz, integer),
  public.revideo_release(uuid, text, timestamptz, timestamptz),
  public.revideo_schedule_retry(uuid, timestamptz)
  TO service_role;
