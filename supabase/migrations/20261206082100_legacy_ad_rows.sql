-- Ad rows imported before the figures were kept per source ad (issue 19).
--
-- 20261206050000 turned every existing row into a hand-typed one (no import_id). Before it
-- an import stored one row per video, platform and day and a form one too, and nothing told
-- them apart; rows of platform meta, google or youtube without a form's submission key came
-- from imports (the forms send a submission key since 20261206020000). Kept as hand-typed
-- rows they add up with a later import of the same report: the same figures twice.
--
-- Now such rows belong to one "legacy" import per user and platform (source_key
-- 'legacy:<video id>', one per video, platform and day as before). A legacy row stands for
-- its video, platform and day until an import brings figures of a source ad for the same
-- video, platform and day: then it steps aside into ad_figure_versions, and it comes back
-- when no imported figures cover that video, platform and day any more (an undo). Undoing
-- the legacy import itself removes the legacy rows, like any import. Rows typed with
-- platform 'manual' stay hand-typed.

CREATE INDEX ad_performance_legacy_idx
  ON public.ad_performance (user_id, video_id, platform, date_recorded)
  WHERE source_key LIKE 'legacy:%';
CREATE INDEX ad_figure_versions_legacy_idx
  ON public.ad_figure_versions (user_id, video_id, platform, date_recorded)
  WHERE source_key LIKE 'legacy:%';

-- Legacy rows covered by imported figures step aside; uncovered ones come back. Runs after
-- each statement that writes ad rows at the top level (its own writes, and the cascades of a
-- deleted video, which take the versions along, need nothing), as the caller: RLS applies.
CREATE FUNCTION public.revideo_ad_legacy_settle() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  IF pg_catalog.pg_trigger_depth() > 1 THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'DELETE'
     AND EXISTS (SELECT 1 FROM public.ad_performance l WHERE l.source_key LIKE 'legacy:%') THEN
    WITH covered AS (
      DELETE FROM public.ad_performance l
      USING new_rows n
      WHERE l.source_key LIKE 'legacy:%' AND n.import_id IS NOT NULL
        AND n.source_key NOT LIKE 'legacy:%' AND l.user_id = n.user_id
        AND l.video_id = n.video_id AND l.platform = n.platform
        AND l.date_recorded = n.date_recorded
      RETURNING l.*
    )
    INSERT INTO public.ad_figure_versions (import_id, user_id, video_id, platform, source_key,
      date_recorded, spend_amount, impressions, clicks, leads)
    SELECT c.import_id, c.user_id, c.video_id, c.platform, c.source_key, c.date_recorded,
           c.spend_amount, c.impressions, c.clicks, c.leads
    FROM covered c;
  END IF;
  IF TG_OP <> 'INSERT'
     AND EXISTS (SELECT 1 FROM public.ad_figure_versions v WHERE v.source_key LIKE 'legacy:%')
  THEN
    WITH uncovered AS (
      DELETE FROM public.ad_figure_versions v
      USING (SELECT DISTINCT o.user_id, o.video_id, o.platform, o.date_recorded
             FROM old_rows o
             WHERE o.import_id IS NOT NULL AND o.source_key NOT LIKE 'legacy:%') o
      WHERE v.source_key LIKE 'legacy:%' AND v.user_id = o.user_id
        AND v.video_id = o.video_id AND v.platform = o.platform
        AND v.date_recorded = o.date_recorded
        AND EXISTS (SELECT 1 FROM public.ad_imports i
                    WHERE i.id = v.import_id AND i.undone_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM public.ad_performance b
                        WHERE b.user_id = v.user_id AND b.video_id = v.video_id
                          AND b.platform = v.platform AND b.date_recorded = v.date_recorded
                          AND b.import_id IS NOT NULL AND b.source_key NOT LIKE 'legacy:%')
      RETURNING v.*
    )
    INSERT INTO public.ad_performance (video_id, user_id, platform, date_recorded,
      spend_amount, impressions, clicks, leads, import_id, source_key)
    SELECT u.video_id, u.user_id, u.platform, u.date_recorded, u.spend_amount, u.impressions,
           u.clicks, u.leads, u.import_id, u.source_key
    FROM uncovered u;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ad_performance_legacy_insert AFTER INSERT ON public.ad_performance
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.revideo_ad_legacy_settle();
CREATE TRIGGER ad_performance_legacy_update AFTER UPDATE ON public.ad_performance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.revideo_ad_legacy_settle();
CREATE TRIGGER ad_performance_legacy_delete AFTER DELETE ON public.ad_performance
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.revideo_ad_legacy_settle();

-- The legacy imports, one per user and platform that has such rows ...
INSERT INTO public.ad_imports (user_id, platform, file_name, file_hash, as_of, imported_at,
                               rows_read, added, totals)
SELECT a.user_id, a.platform, 'imported before figures per ad',
       encode(sha256(convert_to('revideo legacy import ' || a.user_id || ' ' || a.platform,
                                'UTF8')), 'hex'),
       max(a.date_recorded), min(a.created_at), count(*), count(*),
       public.revideo_ad_totals(sum(a.spend_amount), sum(a.impressions), sum(a.clicks),
                                sum(a.leads))
FROM public.ad_performance a
WHERE a.import_id IS NULL AND a.submission_key IS NULL AND a.platform <> 'manual'
GROUP BY a.user_id, a.platform;
-- ... hold those rows ...
UPDATE public.ad_performance a
SET import_id = i.id, source_key = 'legacy:' || a.video_id
FROM public.ad_imports i
WHERE a.import_id IS NULL AND a.submission_key IS NULL AND a.platform <> 'manual'
  AND i.user_id = a.user_id AND i.platform = a.platform
  AND i.file_name = 'imported before figures per ad';
-- ... and the ones imported again since step aside (the UPDATE above ran the trigger for
-- its own rows only; this covers rows imported between the two migrations)
WITH covered AS (
  DELETE FROM public.ad_performance l
  USING public.ad_performance n
  WHERE l.source_key LIKE 'legacy:%' AND n.import_id IS NOT NULL
    AND n.source_key NOT LIKE 'legacy:%' AND l.user_id = n.user_id
    AND l.video_id = n.video_id AND l.platform = n.platform
    AND l.date_recorded = n.date_recorded
  RETURNING l.*
)
INSERT INTO public.ad_figure_versions (import_id, user_id, video_id, platform, source_key,
  date_recorded, spend_amount, impressions, clicks, leads)
SELECT c.import_id, c.user_id, c.video_id, c.platform, c.source_key, c.date_recorded,
       c.spend_amount, c.impressions, c.clicks, c.leads
FROM covered c;
