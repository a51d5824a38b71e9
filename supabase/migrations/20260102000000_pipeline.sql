-- The render pipeline's own bookkeeping (design.md §4, §8): one row per video
-- the system loops work on (sync, archive, automatic retry).
--
-- Several `revideo worker` processes share the work through leases: a worker
-- takes due rows with FOR UPDATE SKIP LOCKED and stamps lease_owner/lease_until
-- on them, so no two workers check the same video while a lease lives, and a
-- crashed worker's leases simply run out. Kept apart from `videos` so leasing
-- does not touch videos.updated_at or churn the rows users read.
CREATE TABLE public.video_pipeline (
  video_id     uuid PRIMARY KEY REFERENCES public.videos (id) ON DELETE CASCADE,
  lease_owner  text,
  lease_until  timestamptz,
  due_at       timestamptz,  -- not checked again before this (poll interval, back-off)
  retry_at     timestamptz,  -- an automatic new render attempt is due from this time
  checked_at   timestamptz   -- the last time a worker finished with this video
);
CREATE INDEX video_pipeline_due_idx ON public.video_pipeline (due_at NULLS FIRST, video_id);
CREATE INDEX video_pipeline_retry_idx ON public.video_pipeline (retry_at)
  WHERE retry_at IS NOT NULL;

-- System only: no policy for anon or authenticated, service_role bypasses RLS.
ALTER TABLE public.video_pipeline ENABLE ROW LEVEL SECURITY;
