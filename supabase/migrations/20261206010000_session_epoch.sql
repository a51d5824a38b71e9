-- Revocable sessions (issue 15, design.md §3): every web session and "keep me
-- signed in" cookie carries the epoch its user had when signing in, and is
-- refused once the epoch has moved on. Signing out everywhere raises it, and so
-- does any new password (reset or change), whichever service wrote it: our own
-- auth and Supabase Auth both keep the password in auth.users.

ALTER TABLE public.profiles ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;

-- API users still may not change a role or an id; their epoch only goes up
-- (lowering it would revive sessions that were ended).
CREATE OR REPLACE FUNCTION public.guard_profile_role() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  IF NEW.role IS DISTINCT FROM OLD.role AND current_user IN ('anon', 'authenticated') THEN
    RAISE EXCEPTION 'only an admin may change a role' USING ERRCODE = '42501';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id THEN
    RAISE EXCEPTION 'a profile id never changes' USING ERRCODE = '42501';
  END IF;
  IF NEW.session_epoch < OLD.session_epoch AND current_user IN ('anon', 'authenticated') THEN
    RAISE EXCEPTION 'a session epoch never goes back' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;

-- Sign out everywhere: the caller's own row (RLS: profiles_update_own), or any
-- row for service_role. Returns the row, so nothing comes back for someone else's.
CREATE FUNCTION public.end_sessions(target uuid) RETURNS SETOF public.profiles
  LANGUAGE sql SECURITY INVOKER SET search_path = ''
AS $$
  UPDATE public.profiles SET session_epoch = session_epoch + 1
  WHERE id = target RETURNING *
$$;
REVOKE EXECUTE ON FUNCTION public.end_sessions(uuid) FROM public, anon;
GRANT EXECUTE ON FUNCTION public.end_sessions(uuid) TO authenticated, service_role;

-- A new password ends every session signed in with the old one.
CREATE FUNCTION public.end_sessions_on_new_password() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = ''
AS $$
BEGIN
  IF NEW.encrypted_password IS DISTINCT FROM OLD.encrypted_password THEN
    UPDATE public.profiles SET session_epoch = session_epoch + 1 WHERE id = NEW.id;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER on_auth_user_new_password
  AFTER UPDATE OF encrypted_password ON auth.users
  FOR EACH ROW EXECUTE FUNCTION public.end_sessions_on_new_password();
