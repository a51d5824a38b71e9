"""
Uploaded ad reports kept between their preview and their commit, in the media store's private
staging area (revideo.services.staging): the file as `<token>.report` and its details as
`<token>.meta`, in the user's own folder, so whichever web host answers the commit finds them.
Each is deleted after the commit, on cancel, and whenever reading it fails. Kept uploads are
bounded: each user keeps at most KEEP_COUNT of them and KEEP_BYTES in all (the oldest go
first); none outlives REVIDEO_STAGING_HOURS (an expired one is refused, and the worker sweeps).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from revideo.domain import errors
from revideo.domain.keys import display_name
from revideo.services.ad_import import ImportRejected

from ._support import actor, svc

KEEP_COUNT = 3
KEEP_BYTES = 128 * 1024 * 1024
REPORT, META = "report", "meta"
CHUNK = 256 * 1024
SPOOL = 8 * 1024 * 1024  # a kept report is read back into memory up to this, else a temp file
GONE = "That upload is gone: upload the file again."


def keep(upload: FileStorage, platform: str, incoming: int) -> str:
    """Stage an uploaded report (after making room for `incoming` bytes); its token."""
    staging, me = svc().staging, actor()
    staging.make_room(
        me, REPORT, count=KEEP_COUNT - 1, size=KEEP_BYTES - incoming, companions=(META,)
    )
    token = staging.new_token()
    try:
        staging.put(me, token, REPORT, iter(lambda: upload.stream.read(CHUNK), b""))
        meta = {"filename": display_name(upload.filename), "platform": platform}
        staging.put(me, token, META, json.dumps(meta).encode())
    except BaseException:
        discard(token)
        raise
    return token


def kept(token: str) -> dict[str, Any]:
    """The kept upload's details; 404 when the token is unknown, not this user's, or expired."""
    try:
        details = json.loads(b"".join(svc().staging.read(actor(), token, META)))
    except (errors.NotFound, ValueError):
        details = None
    if not isinstance(details, dict):
        discard(token)
        raise NotFound(description=GONE)
    return details


def discard(token: str) -> None:
    with contextlib.suppress(errors.NotFound):  # a malformed token names nothing to delete
        svc().staging.drop(actor(), token, REPORT, META)


@contextlib.contextmanager
def reading(token: str) -> Iterator[BinaryIO]:
    """The kept file; any failure to read it deletes it (a 4xx names the problem)."""
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
            for chunk in svc().staging.read(actor(), token, REPORT):
                spool.write(chunk)
            spool.seek(0)
            yield cast(BinaryIO, spool)
    except ImportRejected:
        raise  # lines with errors: the preview shows them and the file stays for a retry
    except errors.NotFound:
        discard(token)
        raise NotFound(description=GONE) from None
    except BaseException:
        discard(token)
        raise
