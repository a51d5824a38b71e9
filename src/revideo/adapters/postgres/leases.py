"""
Leases on videos for the pipeline's loops, in `public.video_pipeline`.

A worker takes due rows with `FOR UPDATE OF p SKIP LOCKED` and stamps its
name and an expiry on them in the same statement. A concurrent worker skips
the rows being taken; one whose snapshot predates the commit re-checks the
updated row (READ COMMITTED's EvalPlanQual) and sees the live lease. The
video row is locked too (FOR KEY SHARE, which blocks no ordinary update):
EvalPlanQual re-reads only locked rows, and without it a worker whose
snapshot predates another's poll-and-release would see the released lease
beside the video's old status, and poll it a second time. So no
video is handed to two workers at once, and a crashed worker's leases expire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from revideo.ports.repositories import Loop

# Which videos each loop works on (alias v).
WANTED: dict[str, str] = {
    "sync": "v.status IN ('pending', 'processing')",
    "archive": "v.status = 'completed' AND v.archived_at IS NULL",
    "retry": "v.status IN ('draft', 'failed') AND p.retry_at IS NOT NULL AND p.retry_at <= %(now)s",
}

# Rows for videos that have none yet, inserted in id order so that two
# workers doing this at once wait for each other instead of deadlocking.
ENSURE = """
INSERT INTO public.video_pipeline (video_id)
SELECT v.id FROM public.videos v
WHERE {wanted}
  AND NOT EXISTS (SELECT 1 FROM public.video_pipeline p WHERE p.video_id = v.id)
ORDER BY v.id
ON CONFLICT (video_id) DO NOTHING
"""

TAKE = """
WITH picked AS (
  SELECT p.video_id FROM public.video_pipeline p
  JOIN public.videos v ON v.id = p.video_id
  WHERE {wanted}
    AND (p.lease_until IS NULL OR p.lease_until <= %(now)s)
    AND (p.due_at IS NULL OR p.due_at <= %(now)s)
  ORDER BY p.due_at NULLS FIRST, p.video_id
  LIMIT %(limit)s
  FOR UPDATE OF p SKIP LOCKED FOR KEY SHARE OF v SKIP LOCKED
), taken AS (
  UPDATE public.video_pipeline p
  SET lease_owner = %(owner)s, lease_until = %(until)s
  FROM picked WHERE p.video_id = picked.video_id
  RETURNING p.video_id
)
SELECT v.* FROM public.videos v JOIN taken t ON t.video_id = v.id ORDER BY v.id
"""

RELEASE = """
UPDATE public.video_pipeline
SET lease_owner = NULL, lease_until = NULL, due_at = %(due)s, checked_at = %(checked)s
WHERE video_id = %(id)s AND lease_owner = %(owner)s
"""

RELEASE_MANY = """
UPDATE public.video_pipeline p
SET lease_owner = NULL, lease_until = NULL, due_at = r.due, checked_at = %(checked)s
FROM unnest(%(ids)s::uuid[], %(dues)s::timestamptz[]) AS r(video_id, due)
WHERE p.video_id = r.video_id AND p.lease_owner = %(owner)s
RETURNING p.video_id
"""

SCHEDULE = """
INSERT INTO public.video_pipeline (video_id, retry_at) VALUES (%(id)s, %(at)s)
ON CONFLICT (video_id) DO UPDATE SET retry_at = EXCLUDED.retry_at
"""


def take_params(owner: str, now: datetime, until: datetime, limit: int) -> dict[str, Any]:
    return {"owner": owner, "now": now, "until": until, "limit": limit}


def ensure_query(loop: Loop) -> str | None:
    """The INSERT that gives every candidate of `loop` a row (retry rows exist already)."""
    return None if loop == "retry" else ENSURE.format(wanted=WANTED[loop])


def take_query(loop: Loop) -> str:
    return TAKE.format(wanted=WANTED[loop])
