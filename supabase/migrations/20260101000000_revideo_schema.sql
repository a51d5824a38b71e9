-- revideo schema: the reference platform's tables, enums and keys, plus the
-- additions design.md §2 allows (check constraints, indexes, an idempotency
-- key for ad rows, updated_at triggers, owner-consistency keys).
-- Uses only what a Supabase project already has (auth.users, auth.uid(),
-- the API roles); on plain PostgreSQL revideo's bootstrap provides those.

CREATE TYPE public.user_role AS ENUM ('admin', 'user');
CREATE TYPE public.property_category AS ENUM ('residential', 'commercial', 'resale');
CREATE TYPE public.video_purpose AS ENUM ('sale', 'rent');
CREATE TYPE public.video_status AS ENUM ('draft', 'pending', 'processing', 'completed', 'failed');
CREATE TYPE public.ad_platform AS ENUM ('meta', 'google', 'youtube', 'manual');

-- updated_at maintenance for every table that has the column.
CREATE FUNCTION public.handle_updated_at() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- profiles ------------------------------------------------------------------
CREATE TABLE public.profiles (
  id          uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  email       text NOT NULL,
  full_name   text NOT NULL DEFAULT '',
  role        public.user_role NOT NULL DEFAULT 'user',
  avatar_url  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_email_idx ON public.profiles (email);
CREATE TRIGGER profiles_updated_at BEFORE UPDATE ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION public.handle_updated_at();

-- SECURITY DEFINER so that policies on profiles can ask "is the caller an
-- admin?" without re-entering the profiles policies.
CREATE FUNCTION public.is_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.profiles
    WHERE id = (SELECT auth.uid()) AND role = 'admin'
  )
$$;

-- A new auth user gets a profile (email, name and avatar from the sign-up).
CREATE FUNCTION public.handle_new_user() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  INSERT INTO public.profiles (id, email, full_name, avatar_url)
  VALUES (
    NEW.id,
    coalesce(NEW.email, ''),
    coalesce(NEW.raw_user_meta_data ->> 'full_name', ''),
    NEW.raw_user_meta_data ->> 'avatar_url'
  );
  RETURN NEW;
END
$$;
CREATE TRIGGER on_auth_user_created
  AFTER INSERT ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();

-- API users may not change a role, not even their own; set_user_role below
-- is the admin's way in (service_role and the owner are not restricted).
CREATE FUNCTION public.guard_profile_role() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  IF NEW.role IS DISTINCT FROM OLD.role AND current_user IN ('anon', 'authenticated') THEN
    RAISE EXCEPTION 'only an admin may change a role' USING ERRCODE = '42501';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id THEN
    RAISE EXCEPTION 'a profile id never changes' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER profiles_guard_role BEFORE UPDATE ON public.profiles
  FOR EACH ROW EXECUTE FUNCTION public.guard_profile_role();

CREATE FUNCTION public.set_user_role(target uuid, new_role public.user_role)
  RETURNS SETOF public.profiles
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NOT ((SELECT public.is_admin()) OR (SELECT auth.role()) = 'service_role') THEN
    RAISE EXCEPTION 'only an admin may change a role' USING ERRCODE = '42501';
  END IF;
  RETURN QUERY
    UPDATE public.profiles SET role = new_role WHERE id = target RETURNING *;
END
$$;
REVOKE EXECUTE ON FUNCTION public.set_user_role(uuid, public.user_role) FROM public, anon;

-- properties ----------------------------------------------------------------
CREATE TABLE public.properties (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  title        text NOT NULL CHECK (length(btrim(title)) > 0),
  description  text NOT NULL DEFAULT '',
  category     public.property_category NOT NULL DEFAULT 'residential',
  address      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(address) = 'object'),
  specs        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(specs) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT properties_id_owner_key UNIQUE (id, user_id),
  CONSTRAINT properties_specs_nonnegative CHECK (
    coalesce((specs ->> 'price')::numeric, 0) >= 0
    AND coalesce((specs ->> 'area')::numeric, 0) >= 0
    AND coalesce((specs ->> 'beds')::numeric, 0) >= 0
    AND coalesce((specs ->> 'baths')::numeric, 0) >= 0
  )
);
CREATE INDEX properties_user_created_idx ON public.properties (user_id, created_at DESC);
CREATE INDEX properties_created_idx ON public.properties (created_at DESC);
CREATE INDEX properties_city_idx ON public.properties (lower(address ->> 'city'));
CREATE TRIGGER properties_updated_at BEFORE UPDATE ON public.properties
  FOR EACH ROW EXECUTE FUNCTION public.handle_updated_at();

-- property_media ------------------------------------------------------------
CREATE TABLE public.property_media (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  property_id   uuid NOT NULL REFERENCES public.properties (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  storage_path  text NOT NULL,
  public_url    text NOT NULL,
  mime_type     text NOT NULL,
  "order"       integer NOT NULL DEFAULT 0 CHECK ("order" >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- a photo belongs to its property's owner
  CONSTRAINT property_media_property_owner_fkey FOREIGN KEY (property_id, user_id)
    REFERENCES public.properties (id, user_id) ON DELETE CASCADE
);
CREATE INDEX property_media_property_order_idx ON public.property_media (property_id, "order");
CREATE INDEX property_media_user_idx ON public.property_media (user_id);

-- videos --------------------------------------------------------------------
CREATE TABLE public.videos (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id          uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  property_id      uuid NOT NULL REFERENCES public.properties (id) ON DELETE CASCADE,
  title            text NOT NULL CHECK (length(btrim(title)) > 0),
  script_content   text NOT NULL DEFAULT '',
  avatar_id        text NOT NULL DEFAULT '',
  voice_id         text NOT NULL DEFAULT '',
  purpose          public.video_purpose NOT NULL DEFAULT 'sale',
  status           public.video_status NOT NULL DEFAULT 'draft',
  heygen_video_id  text UNIQUE,
  video_url        text,
  thumbnail_url    text,
  error_message    text,
  meta             jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(meta) = 'object'),
  attempt_count    integer NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
  archived_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT videos_id_owner_key UNIQUE (id, user_id),
  CONSTRAINT videos_property_owner_fkey FOREIGN KEY (property_id, user_id)
    REFERENCES public.properties (id, user_id) ON DELETE CASCADE
);
CREATE INDEX videos_user_created_idx ON public.videos (user_id, created_at DESC);
CREATE INDEX videos_created_idx ON public.videos (created_at DESC);
CREATE INDEX videos_property_idx ON public.videos (property_id);
CREATE INDEX videos_user_status_idx ON public.videos (user_id, status);
CREATE INDEX videos_in_flight_idx ON public.videos (updated_at)
  WHERE status IN ('pending', 'processing');
CREATE INDEX videos_unarchived_idx ON public.videos (updated_at)
  WHERE status = 'completed' AND archived_at IS NULL;
CREATE TRIGGER videos_updated_at BEFORE UPDATE ON public.videos
  FOR EACH ROW EXECUTE FUNCTION public.handle_updated_at();

-- video_render_jobs ---------------------------------------------------------
CREATE TABLE public.video_render_jobs (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id       uuid NOT NULL REFERENCES public.videos (id) ON DELETE CASCADE,
  user_id        uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  heygen_job_id  text,
  status         public.video_status NOT NULL DEFAULT 'pending',
  attempt_count  integer NOT NULL DEFAULT 1 CHECK (attempt_count >= 0),
  started_at     timestamptz NOT NULL DEFAULT now(),
  completed_at   timestamptz,
  cost_credits   numeric(12, 4) CHECK (cost_credits >= 0),
  error_message  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT video_render_jobs_video_owner_fkey FOREIGN KEY (video_id, user_id)
    REFERENCES public.videos (id, user_id) ON DELETE CASCADE
);
CREATE INDEX video_render_jobs_video_idx ON public.video_render_jobs (video_id, started_at);
CREATE INDEX video_render_jobs_user_idx ON public.video_render_jobs (user_id);
CREATE INDEX video_render_jobs_unsettled_idx ON public.video_render_jobs (started_at)
  WHERE heygen_job_id IS NULL AND status NOT IN ('completed', 'failed');

-- ad_performance ------------------------------------------------------------
CREATE TABLE public.ad_performance (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  video_id       uuid NOT NULL REFERENCES public.videos (id) ON DELETE CASCADE,
  user_id        uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
  platform       public.ad_platform NOT NULL DEFAULT 'manual',
  spend_amount   numeric(10, 2) NOT NULL DEFAULT 0 CHECK (spend_amount >= 0),
  impressions    bigint NOT NULL DEFAULT 0 CHECK (impressions >= 0),
  clicks         bigint NOT NULL DEFAULT 0 CHECK (clicks >= 0),
  leads          bigint NOT NULL DEFAULT 0 CHECK (leads >= 0),
  date_recorded  date NOT NULL DEFAULT current_date,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  -- one row per video, platform and day: re-importing a report is idempotent
  CONSTRAINT ad_performance_video_platform_day_key UNIQUE (video_id, platform, date_recorded),
  CONSTRAINT ad_performance_video_owner_fkey FOREIGN KEY (video_id, user_id)
    REFERENCES public.videos (id, user_id) ON DELETE CASCADE
);
CREATE INDEX ad_performance_user_day_idx ON public.ad_performance (user_id, date_recorded);
CREATE INDEX ad_performance_day_idx ON public.ad_performance (date_recorded);
CREATE TRIGGER ad_performance_updated_at BEFORE UPDATE ON public.ad_performance
  FOR EACH ROW EXECUTE FUNCTION public.handle_updated_at();

-- Analytics ratio exactly as the domain computes it (design.md §5): the
-- quotient rounded half-up to 4 places, NULL on a zero divisor. Written with
-- exact integer division, i.e. round(num::numeric / nullif(div, 0), 4)
-- without the intermediate rounding of numeric division.
CREATE FUNCTION public.ratio4(num numeric, div numeric) RETURNS numeric
  LANGUAGE sql IMMUTABLE SET search_path = ''
AS $$
  SELECT CASE
    WHEN div IS NULL OR div = 0 OR num IS NULL THEN NULL
    WHEN (num >= 0) = (div > 0) THEN round(div(num * 20000 + abs(div), 2 * abs(div)) / 10000.0, 4)
    ELSE -round(div(abs(num) * 20000 + abs(div), 2 * abs(div)) / 10000.0, 4)
  END
$$;
