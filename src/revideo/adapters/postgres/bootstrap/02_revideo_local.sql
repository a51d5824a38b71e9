-- Plain-PostgreSQL only (never part of supabase/migrations): what revideo's
-- psycopg adapter needs beyond the Supabase stand-in above.
--
-- On Supabase, users are created through GoTrue's admin API with the service
-- key. Here the system (service_role) inserts auth.users rows itself, so it
-- gets the table privileges GoTrue would otherwise exercise. Idempotent.
GRANT SELECT, INSERT, UPDATE, DELETE ON auth.users TO service_role;

-- The local login role needs no password: the embedded server trusts its own
-- Unix socket. A self-hosted server sets one with ALTER ROLE ... PASSWORD.
ALTER ROLE authenticator SET statement_timeout = '60s';
