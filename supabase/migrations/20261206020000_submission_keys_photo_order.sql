-- Issue 15 (data half): the database is the last guard against a double submit and against
-- two uploads racing for the same gallery place.
--
-- 1. Creating forms (the property wizard's Create, the studio's Generate, an ad record) carry a
--    one-time submission key. It is stored with the row it created, unique per user, so a
--    double click inserts one row: the second insert fails and the app shows the first.
-- 2. A photo's place in its property's gallery is unique. The constraint is checked at the end
--    of each statement (DEFERRABLE), so one UPDATE may swap places (revideo_set_media_orders,
--    in 20261206040000_storage_limits_atomic_writes.sql).

ALTER TABLE public.properties ADD COLUMN submission_key uuid;
ALTER TABLE public.properties
  ADD CONSTRAINT properties_submission_key UNIQUE (user_id, submission_key);

ALTER TABLE public.videos ADD COLUMN submission_key uuid;
ALTER TABLE public.videos
  ADD CONSTRAINT videos_submission_key UNIQUE (user_id, submission_key);

ALTER TABLE public.ad_performance ADD COLUMN submission_key uuid;
ALTER TABLE public.ad_performance
  ADD CONSTRAINT ad_performance_submission_key UNIQUE (user_id, submission_key);

-- Concurrent uploads could leave the same place twice: renumber each gallery 0..n-1 first,
-- keeping the order the app showed (order, then id).
WITH ranked AS (
  SELECT id, (row_number() OVER (PARTITION BY property_id ORDER BY "order", id) - 1)::integer AS n
  FROM public.property_media
)
UPDATE public.property_media m SET "order" = r.n
FROM ranked r
WHERE m.id = r.id AND m."order" <> r.n;

ALTER TABLE public.property_media
  ADD CONSTRAINT property_media_property_order_key UNIQUE (property_id, "order")
  DEFERRABLE INITIALLY IMMEDIATE;
DROP INDEX public.property_media_property_order_idx;  -- the unique index serves its queries

-- A new property and its first photos' rows in one transaction (the wizard's Create): over
-- PostgREST, where each request is its own transaction, a crash between two inserts would
-- leave a property with some of its photos. Row-level security applies (SECURITY INVOKER).
-- `p_property` and the elements of `p_media` are rows as JSON; the new property comes back.
CREATE FUNCTION public.revideo_add_property(p_property jsonb, p_media jsonb, p_submission_key uuid)
  RETURNS jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = ''
AS $$
DECLARE
  created public.properties;
BEGIN
  INSERT INTO public.properties (id, user_id, title, description, category, address, specs,
                                 submission_key)
  SELECT p.id, p.user_id, p.title, p.description, p.category, p.address, p.specs,
         p_submission_key
  FROM jsonb_populate_record(NULL::public.properties, p_property) AS p
  RETURNING * INTO created;
  -- file_name comes with 20261206040000 (PL/pgSQL resolves columns when it runs, not here)
  INSERT INTO public.property_media (id, property_id, user_id, storage_path, public_url,
                                     mime_type, "order", file_name)
  SELECT m.id, m.property_id, m.user_id, m.storage_path, m.public_url, m.mime_type, m."order",
         coalesce(m.file_name, '')
  FROM jsonb_populate_recordset(NULL::public.property_media, p_media) AS m;
  RETURN to_jsonb(created);
END
$$;
