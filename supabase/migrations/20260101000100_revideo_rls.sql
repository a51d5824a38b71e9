-- Row-level security (design.md §3): a user does CRUD on their own rows only,
-- an admin reads every row, anonymous sees nothing, service_role bypasses RLS.
-- auth.uid() and is_admin() are wrapped in (SELECT ...) so Postgres evaluates
-- them once per statement (Supabase lint 0003 auth_rls_initplan).

ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.properties ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.property_media ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.videos ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.video_render_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ad_performance ENABLE ROW LEVEL SECURITY;

-- profiles: read own (admin: all), update own; rows come from the auth trigger.
CREATE POLICY profiles_select ON public.profiles
  FOR SELECT TO authenticated
  USING (id = (SELECT auth.uid()) OR (SELECT public.is_admin()));
CREATE POLICY profiles_update_own ON public.profiles
  FOR UPDATE TO authenticated
  USING (id = (SELECT auth.uid())) WITH CHECK (id = (SELECT auth.uid()));

-- The five owned tables share one shape.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['properties', 'property_media', 'videos', 'video_render_jobs', 'ad_performance']
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
