-- Why a render attempt failed, as a type (issue 16): automatic retries decide on
-- the kind, never on the words of error_message, which stays for people.
CREATE TYPE public.render_failure_kind AS ENUM (
  'busy', 'render_failed', 'stuck', 'gone', 'outcome_unknown', 'unauthorized',
  'unknown_avatar', 'unknown_voice', 'unsupported_avatar', 'script_too_long',
  'no_credit', 'trial_limit', 'invalid_request', 'not_found'
);

ALTER TABLE public.video_render_jobs
  ADD COLUMN failure_kind public.render_failure_kind;

-- Rows written before the column: their kind, read once from the texts the
-- old code wrote (its retry rules, applied one last time).
UPDATE public.video_render_jobs SET failure_kind = CASE
    WHEN error_message LIKE 'the engine never received this render%'
      OR error_message LIKE 'the engine was busy%' THEN 'busy'
    WHEN error_message LIKE 'the render was still unfinished after%' THEN 'stuck'
    WHEN error_message ILIKE '%no longer knows%' THEN 'gone'
    WHEN heygen_job_id IS NULL THEN 'invalid_request'
    WHEN error_message ~* '(too long|40119)' THEN 'script_too_long'
    WHEN error_message ~* '(credit|quota)' THEN 'no_credit'
    WHEN error_message ~* '(avatar|voice|blocked|invalid|not supported|not_found)'
      THEN 'invalid_request'
    ELSE 'render_failed'
  END::public.render_failure_kind
WHERE status = 'failed';

ALTER TABLE public.video_render_jobs
  ADD CONSTRAINT video_render_jobs_failure_kind_check
  CHECK ((status = 'failed') = (failure_kind IS NOT NULL));

-- Webhook deliveries already taken (Standard Webhooks `webhook-id`): a delivery
-- seen before is a replay and changes nothing. System only: RLS on, no policy
-- for anon or authenticated; service_role bypasses RLS.
CREATE TABLE public.webhook_deliveries (
  delivery_id  text PRIMARY KEY CHECK (length(delivery_id) BETWEEN 1 AND 255),
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_received_idx ON public.webhook_deliveries (received_at);
ALTER TABLE public.webhook_deliveries ENABLE ROW LEVEL SECURITY;
