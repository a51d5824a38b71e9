"""
The stand-in's Storage behaves like the real server where revideo meets it
(supabase-storage-real.md; each behaviour is cited in
tests/supabase/standin/storage.py and tus.py), and the media store copes:
keys, the missing Authorization header, unknown buckets, HEAD and caching,
authenticated reads, owner_id on upsert, text/html, and TUS details.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import psycopg
import pytest

from revideo.adapters.supabase import SupabaseBackend
from revideo.domain.errors import ValidationError
from revideo.domain.profile import Actor
from revideo.ports.media_store import PHOTOS_BUCKET
from revideo.ports.staging import STAGING_BUCKET
from tests.fixtures.postgres import PgServer
from tests.supabase.standin.project import StandInProject
from tests.supabase.standin.tus import CHUNK

JPEG = b"\xff\xd8\xff\xe0" + b"x" * 100


def body(answer: httpx.Response) -> dict[str, Any]:
    data: dict[str, Any] = answer.json()
    return data


@pytest.fixture
def alice(supabase_backend: SupabaseBackend) -> tuple[str, dict[str, str]]:
    """Alice's id and the headers of a request made with her token."""
    profile = supabase_backend.add_user("alice@example.test")
    token = supabase_backend.sessions.token(Actor.user(profile.id))
    return profile.id, supabase_backend.headers(token)


def upload(
    url: str, headers: dict[str, str], bucket: str, name: str, data: bytes, kind: str
) -> httpx.Response:
    files = {"file": ("blob", data, kind)}
    return httpx.post(
        f"{url}/storage/v1/object/{bucket}/{name}",
        headers={**headers, "x-upsert": "true"},
        files=files,
        data={"cacheControl": "3600"},
    )


class TestKeys:
    def test_the_store_refuses_unsafe_keys_before_sending(
        self, supabase_backend: SupabaseBackend, alice: tuple[str, dict[str, str]]
    ) -> None:
        me, store = Actor.user(alice[0]), supabase_backend.media_store()
        for name in ("ü.jpg", "a#b.jpg", "a;b.jpg", "a%20b.jpg"):
            with pytest.raises(ValidationError):
                store.put(me, PHOTOS_BUCKET, f"{alice[0]}/{name}", JPEG, "image/jpeg")

    def test_non_ascii_is_invalid_and_a_semicolon_cuts_the_key(
        self, standin: StandInProject, alice: tuple[str, dict[str, str]], pg_server: PgServer
    ) -> None:
        uid, headers = alice
        refused = upload(
            standin.url, headers, PHOTOS_BUCKET, f"{uid}/%C3%BC.jpg", JPEG, "image/jpeg"
        )
        assert (refused.status_code, body(refused)["error"]) == (400, "InvalidKey")
        cut = upload(
            standin.url, headers, PHOTOS_BUCKET, f"{uid}/a&b=c%3Bd.jpg", JPEG, "image/jpeg"
        )
        assert cut.status_code == 200
        with psycopg.connect(pg_server.admin) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM storage.objects")]
        assert names == [f"{uid}/a&b=c"]


class TestRequests:
    def test_no_authorization_header_and_unknown_buckets_are_refused(
        self, standin: StandInProject, alice: tuple[str, dict[str, str]]
    ) -> None:
        uid, headers = alice
        bare = {"apikey": headers["apikey"]}
        missing = upload(standin.url, bare, PHOTOS_BUCKET, f"{uid}/a.jpg", JPEG, "image/jpeg")
        assert body(missing)["message"] == "headers must have required property 'authorization'"
        nowhere = upload(standin.url, headers, "no-such-bucket", f"{uid}/a.jpg", JPEG, "image/jpeg")
        assert (body(nowhere)["statusCode"], body(nowhere)["message"]) == (
            "404",
            "Bucket not found",
        )

    def test_head_etag_cache_control_and_304(
        self, standin: StandInProject, alice: tuple[str, dict[str, str]]
    ) -> None:
        uid, headers = alice
        upload(standin.url, headers, PHOTOS_BUCKET, f"{uid}/a.jpg", JPEG, "image/jpeg")
        public = f"{standin.url}/storage/v1/object/public/{PHOTOS_BUCKET}/{uid}/a.jpg"
        head = httpx.head(public)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(JPEG))
        assert head.headers["cache-control"] == "max-age=3600"
        assert head.headers["etag"] and head.headers["last-modified"].endswith("GMT")
        again = httpx.get(public, headers={"If-None-Match": head.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")
        changed = httpx.get(public, headers={"If-None-Match": '"something else"'})
        assert (changed.status_code, changed.content) == (200, JPEG)

    def test_authenticated_reads_owner_on_upsert_and_html_as_text(
        self,
        standin: StandInProject,
        supabase_backend: SupabaseBackend,
        alice: tuple[str, dict[str, str]],
        pg_server: PgServer,
    ) -> None:
        uid, headers = alice
        service = supabase_backend.headers(standin.service_key, standin.service_key)
        name = f"{uid}/page.html"
        upload(standin.url, service, "generated-videos", name, b"<p>hi</p>", "image/png")
        upload(standin.url, headers, "generated-videos", name, JPEG, "image/jpeg")  # upsert
        with psycopg.connect(pg_server.admin) as conn:
            (owner,) = conn.execute("SELECT owner_id FROM storage.objects").fetchone() or (None,)
        assert owner == uid  # the uploader of the upsert
        mine = f"{standin.url}/storage/v1/object/authenticated/generated-videos/{name}"
        assert httpx.get(mine, headers=headers).content == JPEG
        html = upload(standin.url, headers, PHOTOS_BUCKET, f"{uid}/x.jpg", b"<b>", "text/html")
        assert body(html)["statusCode"] == "415"  # the bucket allows images only
        with psycopg.connect(pg_server.admin, autocommit=True) as conn:
            conn.execute("UPDATE storage.buckets SET allowed_mime_types = NULL WHERE id = %s",
                         [PHOTOS_BUCKET])  # fmt: skip
            try:
                upload(standin.url, headers, PHOTOS_BUCKET, f"{uid}/x.jpg", b"<b>", "text/html")
                public = f"{standin.url}/storage/v1/object/public/{PHOTOS_BUCKET}/{uid}/x.jpg"
                assert httpx.get(public).headers["content-type"].startswith("text/plain")
            finally:
                conn.execute(
                    "UPDATE storage.buckets SET allowed_mime_types = %s WHERE id = %s",
                    [["image/jpeg", "image/png", "image/webp"], PHOTOS_BUCKET],
                )


class TestTus:
    def test_offsets_chunk_sizes_and_the_lock(
        self, standin: StandInProject, alice: tuple[str, dict[str, str]]
    ) -> None:
        uid, headers = alice
        tus = {**headers, "Tus-Resumable": "1.0.0"}
        meta = {"bucketName": PHOTOS_BUCKET, "objectName": f"{uid}/big.jpg",
                "contentType": "image/jpeg", "cacheControl": "3600"}  # fmt: skip
        encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
        size = CHUNK + 10
        made = httpx.post(
            f"{standin.url}/storage/v1/upload/resumable",
            headers={**tus, "Upload-Length": str(size), "Upload-Metadata": encoded},
        )
        assert made.status_code == 201
        where = made.headers["location"]
        patch = {**tus, "Content-Type": "application/offset+octet-stream"}
        short = httpx.patch(where, headers={**patch, "Upload-Offset": "0"}, content=b"x" * 10)
        assert short.status_code == 400  # a chunk that does not end the upload is 6 MiB
        wrong = httpx.patch(where, headers={**patch, "Upload-Offset": "5"}, content=b"x" * CHUNK)
        assert wrong.status_code == 409
        upload_id = where.rsplit("/", 1)[1]
        held = standin.storage.tus._lock_of(standin.storage.tus.uploads[upload_id])
        with held:  # another request is writing this object
            locked = httpx.patch(where, headers={**patch, "Upload-Offset": "0"}, content=b"x")
        assert locked.status_code == 409
        first = httpx.patch(where, headers={**patch, "Upload-Offset": "0"}, content=b"x" * CHUNK)
        assert (first.status_code, first.headers["upload-offset"]) == (204, str(CHUNK))
        assert httpx.head(where, headers=tus).headers["upload-offset"] == str(CHUNK)
        last = httpx.patch(where, headers={**patch, "Upload-Offset": str(CHUNK)}, content=b"y" * 10)
        assert last.status_code == 204
        public = f"{standin.url}/storage/v1/object/public/{PHOTOS_BUCKET}/{uid}/big.jpg"
        assert httpx.get(public).content == b"x" * CHUNK + b"y" * 10


class TestStagingBucket:
    """The private `staging` bucket (migration 20261206083000): the policies, not the
    adapter's own checks, keep each user to their own folder."""

    def test_only_the_owner_reads_lists_writes_and_deletes(
        self, standin: StandInProject, supabase_backend: SupabaseBackend
    ) -> None:
        alice, bob = (supabase_backend.add_user(f"{n}@example.test").id for n in ("al", "bo"))
        mine, theirs = (supabase_backend.headers(supabase_backend.sessions.token(Actor.user(u)))
                        for u in (alice, bob))  # fmt: skip
        name = f"{alice}/20261206T090000000000Z-abcdefghijklmnopqrst.report"
        staged = upload(standin.url, mine, STAGING_BUCKET, name, b"a,b\n", "text/csv")
        assert staged.status_code == 200, staged.text
        refused = upload(standin.url, theirs, STAGING_BUCKET, name, b"x", "text/csv")
        assert body(refused)["statusCode"] == "403"
        base = f"{standin.url}/storage/v1/object"
        assert httpx.get(f"{base}/authenticated/{STAGING_BUCKET}/{name}", headers=mine).content == (
            b"a,b\n"
        )
        hidden = httpx.get(f"{base}/authenticated/{STAGING_BUCKET}/{name}", headers=theirs)
        assert body(hidden)["statusCode"] == "404"
        public = httpx.get(f"{base}/public/{STAGING_BUCKET}/{name}")
        assert (body(public)["statusCode"], body(public)["error"]) == ("404", "Bucket not found")

        def listed(headers: dict[str, str], prefix: str) -> list[str]:
            answer = httpx.post(f"{base}/list/{STAGING_BUCKET}", headers=headers,
                                json={"prefix": prefix, "limit": 100, "offset": 0})  # fmt: skip
            return [e["name"] for e in answer.json()]

        assert listed(mine, alice) == [name.split("/")[1]]
        assert listed(theirs, alice) == [] and listed(theirs, "") == []
        service = supabase_backend.headers(standin.service_key, standin.service_key)
        assert listed(service, "") == [alice]  # the sweep sees every folder
        gone = httpx.request("DELETE", f"{base}/{STAGING_BUCKET}", headers=theirs,
                             json={"prefixes": [name]})  # fmt: skip
        assert gone.json() == []  # nothing of hers deleted
        assert listed(mine, alice) == [name.split("/")[1]]
