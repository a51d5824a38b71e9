-- Importing and undoing ad reports in SQL (issue 19), one transaction each, for both the
-- psycopg adapter (which COPYs the rows into the staging table first) and Supabase (whose
-- revideo_import_ads receives the rows as JSON in one request). All SECURITY INVOKER: RLS
-- checks every row written as the caller's.

-- Half-even rounding of a non-negative amount to `places` decimals, and why imported figures
-- are implausible ('' when they are not: flagged, still imported). Both run once per row of
-- an import, so they have no SET clause: PostgreSQL inlines such SQL functions (a SET clause
-- costs a configuration save and restore per call). They call only pg_catalog.
CREATE FUNCTION public.revideo_round_even(x numeric, places integer) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.round(pg_catalog.round(x, places) - CASE
    WHEN x * pg_catalog.power(10::numeric, places) % 1 = 0.5
         AND pg_catalog.trunc(x * pg_catalog.power(10::numeric, places)) % 2 = 0
    THEN pg_catalog.power(10::numeric, -places) ELSE 0 END, places)
$$;

CREATE FUNCTION public.revideo_ad_flag(impressions numeric, clicks numeric, leads numeric)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN clicks > impressions
      THEN 'more clicks than impressions (' || clicks || ' > ' || impressions || ')'
    WHEN leads > clicks + impressions
      THEN 'more leads than clicks and impressions together (' || leads || ' > '
           || (clicks + impressions) || ')'
    ELSE '' END
$$;

-- The staging table of one import (this transaction only), emptied.
CREATE FUNCTION public.revideo_import_staging() RETURNS void
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
BEGIN
  -- byte order ("C") for the texts: grouping and min/max need no locale rules
  CREATE TEMP TABLE IF NOT EXISTS ad_import_staging (
    line bigint, video_id uuid, platform public.ad_platform, date_recorded date,
    source_key text COLLATE "C", ad_id text COLLATE "C", ad_name text COLLATE "C",
    ad_set_name text COLLATE "C", campaign_id text COLLATE "C", campaign_name text COLLATE "C",
    spend numeric, impressions numeric, clicks numeric, leads numeric, currency text COLLATE "C"
  ) ON COMMIT DROP;
  TRUNCATE pg_temp.ad_import_staging;
END
$$;

-- Sums per key (platform, source ad, day) of the staged rows, rounded and checked.
CREATE FUNCTION public.revideo_import_sums(p_max_spend numeric, p_max_count numeric)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
BEGIN
  DROP TABLE IF EXISTS pg_temp.ad_import_keys;
  CREATE TEMP TABLE ad_import_keys ON COMMIT DROP AS
  SELECT g.*, public.revideo_round_even(g.spend, 2) AS spend_amount,
         public.revideo_round_even(g.leads, 0) AS lead_count,
         CASE WHEN greatest(g.spend, public.revideo_round_even(g.spend, 2)) > p_max_spend
                THEN 'spend_amount'
              WHEN g.impressions > p_max_count THEN 'impressions'
              WHEN g.clicks > p_max_count THEN 'clicks'
              WHEN public.revideo_round_even(g.leads, 0) > p_max_count THEN 'leads' END AS bad,
         public.revideo_ad_flag(g.impressions, g.clicks,
                                public.revideo_round_even(g.leads, 0)) AS flag
  FROM (SELECT min(s.line) AS line, s.platform, s.source_key, s.date_recorded,
               min(s.video_id::text COLLATE "C") AS video_min,
               max(s.video_id::text COLLATE "C") AS video_max,
               min(s.currency) AS currency_min, max(s.currency) AS currency_max,
               max(s.ad_id) AS ad_id, max(s.ad_name) AS ad_name,
               max(s.ad_set_name) AS ad_set_name, max(s.campaign_id) AS campaign_id,
               max(s.campaign_name) AS campaign_name, sum(s.spend) AS spend,
               sum(s.impressions) AS impressions, sum(s.clicks) AS clicks,
               sum(s.leads) AS leads
        FROM pg_temp.ad_import_staging s
        GROUP BY s.platform, s.source_key, s.date_recorded) g;
END
$$;

-- Rows whose currency differs from their key's first one, or that send an ad and day to
-- another video than its first row: they leave staging. Returns [[line, column, reason]].
CREATE FUNCTION public.revideo_import_conflicts() RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
DECLARE
  found jsonb;
BEGIN
  DROP TABLE IF EXISTS pg_temp.ad_import_mixed;
  CREATE TEMP TABLE ad_import_mixed ON COMMIT DROP AS
  SELECT platform, source_key, date_recorded FROM pg_temp.ad_import_keys
  WHERE video_min <> video_max OR currency_min <> currency_max;
  IF NOT EXISTS (SELECT 1 FROM pg_temp.ad_import_mixed) THEN
    RETURN '[]'::jsonb;
  END IF;
  WITH firsts AS (
    SELECT s.ctid AS at, s.line, s.currency, s.video_id, s.platform, s.source_key,
      s.date_recorded, first_value(s.video_id) OVER v AS key_video,
      first_value(s.line) OVER v AS video_line
    FROM pg_temp.ad_import_staging s
    JOIN pg_temp.ad_import_mixed m USING (platform, source_key, date_recorded)
    WINDOW v AS (PARTITION BY s.platform, s.source_key, s.date_recorded ORDER BY s.line)
  ), keyed AS (  -- the key's currency: the first one given by a row of the key's video
    SELECT f.*, first_value(f.currency) OVER w AS key_currency,
      first_value(f.line) OVER w AS key_line
    FROM firsts f
    WINDOW w AS (PARTITION BY f.platform, f.source_key, f.date_recorded
                 ORDER BY f.video_id <> f.key_video, f.currency IS NULL, f.line)
  ), bad AS (
    SELECT at, line,
      CASE WHEN currency <> key_currency THEN 'currency' ELSE 'video' END AS col,
      CASE WHEN currency <> key_currency
        THEN currency || ' differs from ' || key_currency || ' on line ' || key_line
        ELSE 'the same ad and day went to another video on line ' || video_line END AS reason
    FROM keyed WHERE currency <> key_currency OR video_id <> key_video
  ), gone AS (
    DELETE FROM pg_temp.ad_import_staging s USING bad WHERE s.ctid = bad.at
  )
  SELECT coalesce(jsonb_agg(jsonb_build_array(line, col, reason) ORDER BY line), '[]'::jsonb)
  INTO found FROM bad;
  RETURN found;
END
$$;

-- One key of the import being applied, with its outcome and flag (see the view below).
CREATE TYPE public.revideo_import_outcome AS (
  line bigint, video_id uuid, platform public.ad_platform, date_recorded date, ad_id text,
  ad_name text, ad_set_name text, campaign_id text, campaign_name text, spend_amount numeric,
  impressions numeric, clicks numeric, lead_count numeric, outcome text, flag text,
  cur_spend numeric, cur_impressions bigint, cur_clicks bigint, cur_leads bigint);

-- Apply the staged rows as the import p_import = {id, user_id, platform, file_name,
-- file_hash, imported_by, rows_read, error_count, unmapped_count, max_spend, max_count}.
-- Returns what it did: counts, totals, the first p_kept rows, changes, flags and errors.
CREATE FUNCTION public.revideo_apply_import(p_import jsonb, p_kept integer DEFAULT 200)
  RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
DECLARE
  v_id uuid := (p_import ->> 'id')::uuid;
  v_user uuid := (p_import ->> 'user_id')::uuid;
  v_seq bigint;
  v_as_of date;
  v_errors jsonb;
  v_error_count bigint;
  v_counts record;
  v_rows jsonb;
  v_changes jsonb;
  v_flags jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('revideo.ad_import ' || v_user::text, 0));
  PERFORM public.revideo_import_sums((p_import ->> 'max_spend')::numeric,
                                     (p_import ->> 'max_count')::numeric);
  v_errors := public.revideo_import_conflicts();
  IF v_errors <> '[]'::jsonb THEN  -- the conflicting rows left staging: sum again
    PERFORM public.revideo_import_sums((p_import ->> 'max_spend')::numeric,
                                       (p_import ->> 'max_count')::numeric);
  END IF;
  SELECT v_errors || coalesce(jsonb_agg(jsonb_build_array(
           k.line, k.bad, 'must be at most ' || CASE k.bad WHEN 'spend_amount'
             THEN p_import ->> 'max_spend' ELSE p_import ->> 'max_count' END)), '[]'::jsonb)
  INTO v_errors
  FROM pg_temp.ad_import_keys k WHERE k.bad IS NOT NULL;
  v_error_count := jsonb_array_length(v_errors);
  SELECT coalesce(jsonb_agg(e ORDER BY (e ->> 0)::bigint), '[]'::jsonb) INTO v_errors
  FROM (SELECT e FROM jsonb_array_elements(v_errors) e ORDER BY (e ->> 0)::bigint
        LIMIT p_kept) x;
  SELECT coalesce(max(k.date_recorded), current_date) INTO v_as_of
  FROM pg_temp.ad_import_keys k WHERE k.bad IS NULL;

  INSERT INTO public.ad_imports (id, user_id, platform, file_name, file_hash, as_of,
                                 imported_by, rows_read, error_count, unmapped_count)
  VALUES (v_id, v_user, (p_import ->> 'platform')::public.ad_platform,
          coalesce(p_import ->> 'file_name', ''), p_import ->> 'file_hash', v_as_of,
          coalesce(p_import ->> 'imported_by', ''),
          coalesce((p_import ->> 'rows_read')::bigint, 0),
          coalesce((p_import ->> 'error_count')::bigint, 0) + v_error_count,
          coalesce((p_import ->> 'unmapped_count')::bigint, 0))
  RETURNING seq INTO v_seq;

  -- keys that have imported figures already, and what this import does to them
  DROP TABLE IF EXISTS pg_temp.ad_import_hits;
  CREATE TEMP TABLE ad_import_hits ON COMMIT DROP AS
  SELECT k.line, a.id AS cur_id, a.import_id AS cur_import, a.video_id AS cur_video,
         a.spend_amount AS cur_spend, a.impressions AS cur_impressions,
         a.clicks AS cur_clicks, a.leads AS cur_leads, a.ad_id AS cur_ad_id,
         a.ad_name AS cur_ad_name, a.ad_set_name AS cur_ad_set_name,
         a.campaign_id AS cur_campaign_id, a.campaign_name AS cur_campaign_name,
         CASE WHEN i.as_of > v_as_of THEN 'older'
              WHEN (a.video_id, a.spend_amount, a.impressions, a.clicks, a.leads)
                 = (k.video_min::uuid, k.spend_amount, k.impressions, k.clicks, k.lead_count)
                THEN 'unchanged'
              ELSE 'updated' END AS outcome
  FROM pg_temp.ad_import_keys k
  JOIN public.ad_performance a
    ON a.user_id = v_user AND a.import_id IS NOT NULL AND a.platform = k.platform
   AND a.source_key = k.source_key AND a.date_recorded = k.date_recorded
  JOIN public.ad_imports i ON i.id = a.import_id
  WHERE k.bad IS NULL;

  -- figures of an older report wait aside
  INSERT INTO public.ad_figure_versions (import_id, user_id, video_id, platform, source_key,
    date_recorded, spend_amount, impressions, clicks, leads, ad_id, ad_name, ad_set_name,
    campaign_id, campaign_name)
  SELECT v_id, v_user, k.video_min::uuid, k.platform, k.source_key, k.date_recorded,
         k.spend_amount, k.impressions, k.clicks, k.lead_count, k.ad_id, k.ad_name,
         k.ad_set_name, k.campaign_id, k.campaign_name
  FROM pg_temp.ad_import_hits h JOIN pg_temp.ad_import_keys k USING (line)
  WHERE h.outcome = 'older';
  -- the figures this import replaces wait aside, its own take their place
  INSERT INTO public.ad_figure_versions (import_id, user_id, video_id, platform, source_key,
    date_recorded, spend_amount, impressions, clicks, leads, ad_id, ad_name, ad_set_name,
    campaign_id, campaign_name)
  SELECT h.cur_import, v_user, h.cur_video, k.platform, k.source_key, k.date_recorded,
         h.cur_spend, h.cur_impressions, h.cur_clicks, h.cur_leads, h.cur_ad_id,
         h.cur_ad_name, h.cur_ad_set_name, h.cur_campaign_id, h.cur_campaign_name
  FROM pg_temp.ad_import_hits h JOIN pg_temp.ad_import_keys k USING (line)
  WHERE h.outcome <> 'older';
  UPDATE public.ad_performance a
  SET import_id = v_id, video_id = k.video_min::uuid, spend_amount = k.spend_amount,
      impressions = k.impressions, clicks = k.clicks, leads = k.lead_count, ad_id = k.ad_id,
      ad_name = k.ad_name, ad_set_name = k.ad_set_name, campaign_id = k.campaign_id,
      campaign_name = k.campaign_name
  FROM pg_temp.ad_import_hits h JOIN pg_temp.ad_import_keys k USING (line)
  WHERE a.id = h.cur_id AND h.outcome <> 'older';
  -- new source ads and days
  INSERT INTO public.ad_performance (video_id, user_id, platform, date_recorded, spend_amount,
    impressions, clicks, leads, import_id, source_key, ad_id, ad_name, ad_set_name,
    campaign_id, campaign_name)
  SELECT k.video_min::uuid, v_user, k.platform, k.date_recorded, k.spend_amount,
         k.impressions, k.clicks, k.lead_count, v_id, k.source_key, k.ad_id, k.ad_name,
         k.ad_set_name, k.campaign_id, k.campaign_name
  FROM pg_temp.ad_import_keys k
  WHERE k.bad IS NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.ad_import_hits h
                                      WHERE h.line = k.line);

  -- what it did
  CREATE TEMP VIEW ad_import_outcomes AS
  SELECT k.line, k.video_min::uuid AS video_id, k.platform, k.date_recorded, k.ad_id,
         k.ad_name, k.ad_set_name, k.campaign_id, k.campaign_name, k.spend_amount,
         k.impressions, k.clicks, k.lead_count, coalesce(h.outcome, 'added') AS outcome,
         k.flag,
         h.cur_spend, h.cur_impressions, h.cur_clicks, h.cur_leads
  FROM pg_temp.ad_import_keys k LEFT JOIN pg_temp.ad_import_hits h USING (line)
  WHERE k.bad IS NULL;
  SELECT count(*) FILTER (WHERE o.outcome = 'added') AS added,
         count(*) FILTER (WHERE o.outcome = 'updated') AS updated,
         count(*) FILTER (WHERE o.outcome = 'unchanged') AS unchanged,
         count(*) FILTER (WHERE o.outcome = 'older') AS older,
         count(*) FILTER (WHERE o.flag <> '') AS flagged,
         public.revideo_ad_totals(
           sum(o.spend_amount) FILTER (WHERE o.outcome IN ('added', 'updated')),
           sum(o.impressions) FILTER (WHERE o.outcome IN ('added', 'updated')),
           sum(o.clicks) FILTER (WHERE o.outcome IN ('added', 'updated')),
           sum(o.lead_count) FILTER (WHERE o.outcome IN ('added', 'updated'))) AS totals
  INTO v_counts
  FROM pg_temp.ad_import_outcomes o;
  SELECT coalesce(jsonb_agg(public.revideo_import_item(ROW(o.*)::public.revideo_import_outcome) ORDER BY o.line), '[]'::jsonb)
  INTO v_rows
  FROM (SELECT * FROM pg_temp.ad_import_outcomes ORDER BY line LIMIT p_kept) o;
  SELECT coalesce(jsonb_agg(public.revideo_import_item(ROW(o.*)::public.revideo_import_outcome) ORDER BY o.line), '[]'::jsonb)
  INTO v_changes
  FROM (SELECT * FROM pg_temp.ad_import_outcomes
        WHERE line IN (SELECT h.line FROM pg_temp.ad_import_hits h WHERE h.outcome = 'updated'
                       ORDER BY h.line LIMIT p_kept)) o;
  SELECT coalesce(jsonb_agg(public.revideo_import_item(ROW(o.*)::public.revideo_import_outcome) ORDER BY o.line), '[]'::jsonb)
  INTO v_flags
  FROM (SELECT * FROM pg_temp.ad_import_outcomes WHERE flag <> ''
        ORDER BY line LIMIT p_kept) o;

  DROP VIEW pg_temp.ad_import_outcomes;  -- before its tables go at commit
  UPDATE public.ad_imports
  SET added = v_counts.added, updated = v_counts.updated, unchanged = v_counts.unchanged,
      older = v_counts.older, flagged = v_counts.flagged, totals = v_counts.totals,
      details = jsonb_build_object('changes', v_changes, 'flags', v_flags)
  WHERE id = v_id;
  RETURN jsonb_build_object(
    'import_id', v_id, 'as_of', v_as_of, 'seq', v_seq,
    'added', v_counts.added, 'updated', v_counts.updated, 'unchanged', v_counts.unchanged,
    'older', v_counts.older, 'flagged', v_counts.flagged, 'totals', v_counts.totals,
    'rows', v_rows, 'changes', v_changes, 'flags', v_flags, 'errors', v_errors,
    'error_count', v_error_count);
END
$$;

CREATE FUNCTION public.revideo_import_item(o public.revideo_import_outcome) RETURNS jsonb
  LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'line', o.line, 'video_id', o.video_id, 'platform', o.platform, 'day', o.date_recorded,
    'source', jsonb_build_object('ad_id', o.ad_id, 'ad_name', o.ad_name,
                                 'ad_set_name', o.ad_set_name, 'campaign_id', o.campaign_id,
                                 'campaign_name', o.campaign_name),
    'figures', public.revideo_ad_totals(o.spend_amount, o.impressions, o.clicks, o.lead_count),
    'outcome', o.outcome,
    'before', CASE WHEN o.outcome = 'updated' THEN public.revideo_ad_totals(
                o.cur_spend, o.cur_impressions, o.cur_clicks, o.cur_leads) END,
    'flag', o.flag)
$$;

-- Supabase: the rows as JSON ([{line, video_id, platform, date_recorded, source_key,
-- ad_id, ad_name, ad_set_name, campaign_id, campaign_name, spend, impressions, clicks,
-- leads, currency}]), staged and applied in this one request; a dry run rolls back.
CREATE FUNCTION public.revideo_import_ads(p_import jsonb, p_rows jsonb,
                                          p_dry_run boolean DEFAULT false) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
DECLARE
  result jsonb;
BEGIN
  PERFORM public.revideo_import_staging();
  INSERT INTO pg_temp.ad_import_staging
  SELECT * FROM jsonb_to_recordset(p_rows) AS r(
    line bigint, video_id uuid, platform public.ad_platform, date_recorded date,
    source_key text, ad_id text, ad_name text, ad_set_name text, campaign_id text,
    campaign_name text, spend numeric, impressions numeric, clicks numeric, leads numeric,
    currency text);
  IF NOT p_dry_run THEN
    RETURN public.revideo_apply_import(p_import);
  END IF;
  BEGIN
    result := public.revideo_apply_import(p_import);
    RAISE EXCEPTION 'dry run' USING ERRCODE = 'RV001';
  EXCEPTION WHEN SQLSTATE 'RV001' THEN
    RETURN result;
  END;
END
$$;

-- Undo an import: each row it holds gets the figures of the newest import left for that
-- source ad and day (or goes), its figures kept aside go, and it is marked undone.
CREATE FUNCTION public.revideo_undo_import(p_import uuid) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
DECLARE
  v_user uuid;
  v_restored bigint;
  v_removed bigint;
BEGIN
  SELECT user_id INTO v_user FROM public.ad_imports WHERE id = p_import;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ad import % not found', p_import USING ERRCODE = '42501';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('revideo.ad_import ' || v_user::text, 0));
  UPDATE public.ad_imports SET undone_at = now() WHERE id = p_import AND undone_at IS NULL;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM public.ad_imports WHERE id = p_import AND undone_at IS NOT NULL)
    THEN
      RAISE EXCEPTION 'this import was undone already' USING ERRCODE = '22023';
    END IF;
    RAISE EXCEPTION 'not allowed to undo import %', p_import USING ERRCODE = '42501';
  END IF;
  DROP TABLE IF EXISTS pg_temp.ad_undo_best;
  CREATE TEMP TABLE ad_undo_best ON COMMIT DROP AS
  SELECT DISTINCT ON (a.id) a.id AS row_id, v.*
  FROM public.ad_performance a
  JOIN public.ad_figure_versions v
    ON v.user_id = a.user_id AND v.platform = a.platform AND v.source_key = a.source_key
   AND v.date_recorded = a.date_recorded AND v.import_id <> p_import
  JOIN public.ad_imports i ON i.id = v.import_id
  WHERE a.import_id = p_import
  ORDER BY a.id, i.as_of DESC, i.seq DESC;
  UPDATE public.ad_performance a
  SET import_id = b.import_id, video_id = b.video_id, spend_amount = b.spend_amount,
      impressions = b.impressions, clicks = b.clicks, leads = b.leads, ad_id = b.ad_id,
      ad_name = b.ad_name, ad_set_name = b.ad_set_name, campaign_id = b.campaign_id,
      campaign_name = b.campaign_name
  FROM pg_temp.ad_undo_best b WHERE a.id = b.row_id;
  GET DIAGNOSTICS v_restored = ROW_COUNT;
  DELETE FROM public.ad_figure_versions v USING pg_temp.ad_undo_best b
  WHERE v.import_id = b.import_id AND v.platform = b.platform
    AND v.source_key = b.source_key AND v.date_recorded = b.date_recorded;
  DELETE FROM public.ad_performance WHERE import_id = p_import;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  DELETE FROM public.ad_figure_versions WHERE import_id = p_import;
  RETURN jsonb_build_object('import_id', p_import, 'restored', v_restored,
                            'removed', v_removed);
END
$$;

-- History pages: {total, items}, newest first.
CREATE FUNCTION public.revideo_import_page(p_limit integer, p_offset integer) RETURNS jsonb
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'total', (SELECT count(*) FROM public.ad_imports),
    'items', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.seq DESC), '[]'::jsonb)
              FROM (SELECT * FROM public.ad_imports ORDER BY seq DESC
                    LIMIT p_limit OFFSET p_offset) x))
$$;

-- Ad rows of a filter, now also by import ({..., import_id}).
CREATE OR REPLACE FUNCTION public.revideo_ad_rows(f jsonb) RETURNS SETOF public.ad_performance
  LANGUAGE sql STABLE SET search_path = ''
AS $$
  SELECT a.* FROM public.ad_performance a
  WHERE (f ->> 'date_from' IS NULL OR a.date_recorded >= (f ->> 'date_from')::date)
    AND (f ->> 'date_to' IS NULL OR a.date_recorded <= (f ->> 'date_to')::date)
    AND (f ->> 'platform' IS NULL OR a.platform = (f ->> 'platform')::public.ad_platform)
    AND (f ->> 'video_id' IS NULL OR a.video_id = (f ->> 'video_id')::uuid)
    AND (f ->> 'user_id' IS NULL OR a.user_id = (f ->> 'user_id')::uuid)
    AND (f ->> 'import_id' IS NULL OR a.import_id = (f ->> 'import_id')::uuid)
    AND (f ->> 'property_id' IS NULL OR a.video_id IN (
          SELECT v.id FROM public.videos v WHERE v.property_id = (f ->> 'property_id')::uuid))
$$;

-- The old merge (insert new (video, platform, day) rows) has no key to work on any more.
DROP FUNCTION public.revideo_merge_ads(jsonb);
