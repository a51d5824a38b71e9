-- Personal access tokens for the JSON API (issue 22). Only a SHA-256 hash of the
-- token is kept: the token itself is shown once, when it is made. A request with a
-- token acts as its user under the same row-level security as the web app; finding
-- the token by its hash is the system's job (service_role), like resolving a session.

CREATE TABLE public.api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  scope text NOT NULL CHECK (scope IN ('read', 'write')),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  prefix text NOT NULL CHECK (char_length(prefix) BETWEEN 1 AND 20),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  submission_key uuid,  -- the settings form's one-time key: a double submit makes one token
  UNIQUE (user_id, submission_key)
);
CREATE INDEX api_tokens_user_idx ON public.api_tokens (user_id, created_at);
ALTER TABLE public.api_tokens ENABLE ROW LEVEL SECURITY;

CREATE POLICY api_tokens_select_own ON public.api_tokens FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY api_tokens_insert_own ON public.api_tokens FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY api_tokens_update_own ON public.api_tokens FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

-- A user may only revoke (and rename) a token: its hash, scope, owner and expiry are
-- fixed, and a revoked token stays revoked.
CREATE FUNCTION public.guard_api_token() RETURNS trigger
  LANGUAGE plpgsql SET search_path = ''
AS $$
BEGIN
  IF (NEW.token_hash, NEW.scope, NEW.user_id, NEW.expires_at, NEW.created_at)
     IS DISTINCT FROM (OLD.token_hash, OLD.scope, OLD.user_id, OLD.expires_at, OLD.created_at) THEN
    RAISE EXCEPTION 'a token may only be renamed or revoked' USING ERRCODE = '42501';
  END IF;
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'a revoked token stays revoked' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER api_tokens_guard BEFORE UPDATE ON public.api_tokens
  FOR EACH ROW EXECUTE FUNCTION public.guard_api_token();

-- Outgoing webhooks (Standard Webhooks): a user's endpoints and the messages sent
-- to them. The signing secret is readable by its owner (shown on the settings page).
CREATE TABLE public.webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (char_length(url) BETWEEN 8 AND 2000 AND url ~ '^https?://'),
  events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 10
    AND events <@ ARRAY['video.completed', 'video.failed', 'kit.completed', 'ads.imported']),
  secret text NOT NULL CHECK (secret ~ '^whsec_'),
  enabled boolean NOT NULL DEFAULT true,
  failing_since timestamptz,
  disabled_reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_user_idx ON public.webhook_endpoints (user_id, created_at);
ALTER TABLE public.webhook_endpoints ENABLE ROW LEVEL SECURITY;
CREATE POLICY webhook_endpoints_own ON public.webhook_endpoints FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

CREATE TABLE public.webhook_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  endpoint_id uuid NOT NULL REFERENCES public.webhook_endpoints (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz,
  last_status integer,
  last_response text CHECK (char_length(last_response) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  -- one message per endpoint and event occurrence (a completed video is told once)
  dedupe_key text NOT NULL,
  UNIQUE (endpoint_id, dedupe_key)
);
CREATE INDEX webhook_messages_due_idx ON public.webhook_messages (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_messages_user_idx ON public.webhook_messages (user_id, created_at);
ALTER TABLE public.webhook_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY webhook_messages_select_own ON public.webhook_messages FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
-- Re-sending from the UI makes a message due again: its owner may do that.
CREATE POLICY webhook_messages_update_own ON public.webhook_messages FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));
