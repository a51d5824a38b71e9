-- Minimal stand-in for the parts of a Supabase database that app migrations
-- and RLS policies rely on: API roles, the extensions schema, the auth schema
-- with auth.users and the auth.uid()/role()/email()/jwt() helpers, and the
-- default grants Supabase gives the API roles on the public schema.
-- Run once per database as a superuser (roles are cluster-wide, hence the
-- IF NOT EXISTS guards). Idempotent.

-- 1. API roles. Same names and attributes as a Supabase project:
--    anon/authenticated are plain NOLOGIN roles (RLS applies to them),
--    service_role carries BYPASSRLS, and authenticator is the login role that
--    PostgREST / Storage connect as and then switch away from per request.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
    CREATE ROLE authenticator LOGIN NOINHERIT;
  END IF;
END
$$;
GRANT anon, authenticated, service_role TO authenticator;

-- 2. Extensions live in their own schema on Supabase.
CREATE SCHEMA IF NOT EXISTS extensions;
-- (Only where the server ships them: the embedded wheel carries no contrib
-- extensions, and revideo's migrations need neither: gen_random_uuid() is core.)
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pgcrypto') THEN
    CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
  END IF;
  IF EXISTS (SELECT FROM pg_available_extensions WHERE name = 'uuid-ossp') THEN
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;

-- 3. public schema: Supabase grants the API roles everything on objects the
--    migration role creates there, so RLS is the only gate. ALTER DEFAULT
--    PRIVILEGES applies to objects later created by the role running this file,
--    so run the app migrations as that same role.
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES    TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;

-- 4. auth schema with the subset of auth.users columns apps usually touch.
--    (GoTrue owns the real table and has many more columns; the API roles get
--    no privileges on it, only USAGE on the schema so they can call the helpers.)
CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

CREATE TABLE IF NOT EXISTS auth.users (
  instance_id         uuid,
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),  -- GoTrue supplies ids itself
  aud                 varchar(255),
  role                varchar(255),
  email               varchar(255),
  encrypted_password  varchar(255),
  email_confirmed_at  timestamptz,
  last_sign_in_at     timestamptz,
  raw_app_meta_data   jsonb DEFAULT '{}'::jsonb,
  raw_user_meta_data  jsonb DEFAULT '{}'::jsonb,
  is_super_admin      boolean,
  created_at          timestamptz DEFAULT now(),
  updated_at          timestamptz DEFAULT now(),
  phone               text,
  phone_confirmed_at  timestamptz,
  banned_until        timestamptz,
  deleted_at          timestamptz,
  is_sso_user         boolean NOT NULL DEFAULT false,
  is_anonymous        boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_partial_key
  ON auth.users (email) WHERE is_sso_user = false;

-- 5. Claim helpers, same contract as Supabase's: read the JSON claims that
--    PostgREST/Storage put in the transaction-local setting
--    request.jwt.claims (older servers set request.jwt.claim.<name>), return
--    NULL when nothing is set. STABLE so the planner can cache them per
--    statement; wrap in (SELECT ...) inside policies. PARALLEL SAFE (they only
--    read settings, which parallel workers share) so RLS keeps parallel plans.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT coalesce(
           nullif(current_setting('request.jwt.claim', true), ''),
           nullif(current_setting('request.jwt.claims', true), '')
         )::jsonb
$$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT coalesce(
           nullif(current_setting('request.jwt.claim.sub', true), ''),
           nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
         )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT coalesce(
           nullif(current_setting('request.jwt.claim.role', true), ''),
           nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
         )
$$;

CREATE OR REPLACE FUNCTION auth.email() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = ''
AS $$
  SELECT coalesce(
           nullif(current_setting('request.jwt.claim.email', true), ''),
           nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
         )
$$;

GRANT EXECUTE ON FUNCTION auth.jwt(), auth.uid(), auth.role(), auth.email()
  TO anon, authenticated, service_role;
