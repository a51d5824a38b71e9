"""
The Supabase adapter end to end against the loopback stand-in: auth flows,
storage under the real storage policies, sessions minted for workers, the
SQL functions behind rpc() (merge, breakdown, leases), and start-up checks.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from revideo.adapters.supabase import SupabaseBackend
from revideo.domain import analytics
from revideo.domain.ad_imports import ImportHeader, ImportTally
from revideo.domain.ad_rows import MappedAd
from revideo.domain.ads import AdPlatform
from revideo.domain.errors import AuthError, ConfigError, Forbidden, NotFound, RevideoError
from revideo.domain.page import PageRequest
from revideo.domain.profile import Actor, Role
from revideo.ports.repositories import AdFilter
from revideo.services.videos import VideoInput
from tests.contract.conftest import a_property, a_video, an_ad
from tests.supabase.fixtures import settings_for
from tests.supabase.standin.project import StandInProject
from tests.support import sample_property

GOOD = "correct-horse-9"
CALLBACK = "http://127.0.0.1:8000/auth/callback"


class TestAuth:
    def test_sign_up_confirm_sign_in_refresh_and_sign_out(
        self, supabase_backend: SupabaseBackend, standin: StandInProject
    ) -> None:
        identity = supabase_backend.identity()
        user_id = identity.sign_up("New@Example.test", GOOD, "Nina New", CALLBACK)
        with pytest.raises(AuthError) as early:
            identity.sign_in("new@example.test", GOOD)
        assert early.value.code == "email_not_confirmed"
        mail = standin.auth.outbox[-1]
        assert (mail.to, mail.kind, mail.redirect_to) == ("new@example.test", "signup", CALLBACK)
        confirmed = identity.confirm(mail.token_hash)
        assert (confirmed.user_id, confirmed.role) == (user_id, Role.USER)
        session = identity.sign_in("new@example.test", GOOD)
        with supabase_backend.unit_of_work(Actor.user(user_id)) as uow:
            assert uow.profiles.get(user_id).full_name == "Nina New"
        fresh = identity.refresh(session)
        assert fresh.access_token and fresh.refresh_token != session.refresh_token
        identity.sign_out(fresh)
        with pytest.raises(AuthError) as gone:
            identity.refresh(fresh)
        assert gone.value.code == "invalid_token"

    def test_the_local_auth_error_codes(self, supabase_backend: SupabaseBackend) -> None:
        identity = supabase_backend.identity()
        identity.create_user("ann@example.test", GOOD, "Ann")
        cases: list[tuple[Callable[[], object], str]] = [
            (lambda: identity.sign_in("ann@example.test", "wrong-pass-1"), "invalid_credentials"),
            (lambda: identity.sign_up("ann@example.test", GOOD, "", CALLBACK), "user_exists"),
            (lambda: identity.create_user("ANN@example.test", GOOD), "user_exists"),
            (lambda: identity.sign_up("x@example.test", "short", "", CALLBACK), "weak_password"),
            (lambda: identity.sign_up("not-an-email", GOOD, "", CALLBACK), "invalid_email"),
            (lambda: identity.confirm("no-such-hash"), "invalid_token"),
        ]
        for attempt, code in cases:
            with pytest.raises(AuthError) as caught:
                attempt()
            assert caught.value.code == code

    def test_password_reset_by_mailed_token(
        self, supabase_backend: SupabaseBackend, standin: StandInProject
    ) -> None:
        identity = supabase_backend.identity()
        identity.create_user("rae@example.test", GOOD)
        identity.request_password_reset("nobody@example.test", CALLBACK)
        assert standin.auth.outbox == []
        identity.request_password_reset("rae@example.test", "http://127.0.0.1/reset")
        mail = standin.auth.outbox[-1]
        assert (mail.kind, mail.redirect_to) == ("recovery", "http://127.0.0.1/reset")
        identity.reset_password(mail.token_hash, "another-pass-7")
        assert identity.sign_in("rae@example.test", "another-pass-7").user_id
        with pytest.raises(AuthError):
            identity.reset_password(mail.token_hash, "third-pass-77")

    def test_an_admin_made_by_create_user_reads_everyones_rows(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        boss = supabase_backend.identity().create_user("boss@example.test", GOOD, role=Role.ADMIN)
        assert supabase_backend.identity().sign_in("boss@example.test", GOOD).role is Role.ADMIN
        with supabase_backend.unit_of_work(Actor.user(alice.id)) as uow:
            prop = uow.properties.add(a_property(alice.id))
        with supabase_backend.unit_of_work(Actor.user(boss, Role.ADMIN)) as uow:
            assert uow.properties.get(prop.id).id == prop.id


def test_a_worker_acting_for_a_user_gets_a_real_session_and_rls_still_applies(
    supabase_backend: SupabaseBackend, standin: StandInProject, tmp_path: Path
) -> None:
    alice = supabase_backend.add_user("alice@example.test")
    bob = supabase_backend.add_user("bob@example.test")
    with supabase_backend.unit_of_work(Actor.user(bob.id)) as uow:
        theirs = uow.properties.add(a_property(bob.id))
    worker = SupabaseBackend.from_settings(settings_for(standin, tmp_path))  # no sessions yet
    try:
        with worker.unit_of_work(Actor.user(alice.id)) as uow:
            uow.properties.add(a_property(alice.id))
            with pytest.raises(NotFound):
                uow.properties.get(theirs.id)
        assert worker.sessions.session(alice.id) is not None
    finally:
        worker.close()


class TestStorage:
    def test_users_write_their_folder_and_everyone_reads_public_urls(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        import httpx

        alice = supabase_backend.add_user("alice@example.test")
        store = supabase_backend.media_store()
        me = Actor.user(alice.id)
        path = f"{alice.id}/front.jpg"
        stored = store.put(me, "property-images", path, [b"\xff\xd8", b"jpeg"], "image/jpeg")
        assert b"".join(store.open("property-images", path)) == b"\xff\xd8jpeg"
        fetched = httpx.get(stored.public_url)
        assert (fetched.status_code, fetched.headers["content-type"]) == (200, "image/jpeg")
        store.put(me, "property-images", path, b"v2", "image/jpeg")  # overwrite
        assert b"".join(store.open("property-images", path)) == b"v2"
        store.delete(me, "property-images", path)
        store.delete(me, "property-images", path)  # missing: not an error
        with pytest.raises(NotFound):
            store.open("property-images", path)

    def test_storage_policies_refuse_another_users_folder(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        bob = supabase_backend.add_user("bob@example.test")
        path = f"{alice.id}/a.jpg"
        supabase_backend.media_store().put(Actor.user(alice.id), "property-images", path, b"a",
                                           "image/jpeg")  # fmt: skip
        as_bob = supabase_backend.storage_client(Actor.user(bob.id)).from_("property-images")
        assert as_bob.remove([path]) == []  # RLS hides it from bob's DELETE
        from storage3.exceptions import StorageApiError

        with pytest.raises(StorageApiError):
            as_bob.upload(f"{alice.id}/evil.jpg", b"x", {"content-type": "image/jpeg"})
        assert b"".join(supabase_backend.media_store().open("property-images", path)) == b"a"

    def test_the_system_archives_renders_into_any_users_folder(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        store = supabase_backend.media_store()
        path = f"{alice.id}/render.mp4"
        store.put(Actor.service(), "generated-videos", path, b"mp4", "video/mp4")
        assert b"".join(store.open("generated-videos", path)) == b"mp4"
        with pytest.raises(Forbidden):
            store.put(Actor.anonymous(), "generated-videos", path, b"x", "video/mp4")


class TestSqlFunctions:
    def test_an_import_adds_beside_typed_figures_and_breakdown_matches_the_domain(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        me = Actor.user(alice.id)
        day = date(2026, 11, 2)
        with supabase_backend.unit_of_work(me) as uow:
            prop = uow.properties.add(a_property(alice.id))
            video = uow.videos.add(a_video(alice.id, prop.id))
            first = uow.ads.add(an_ad(alice.id, video.id, day))
        rows = [
            MappedAd(n + 2, video.id, AdPlatform.META, day + timedelta(days=n),
                     spend=Decimal("0.03"), impressions=1000, clicks=25, leads=Decimal(n % 3))
            for n in range(3)
        ]  # fmt: skip
        header = ImportHeader(str(uuid.uuid4()), alice.id, AdPlatform.META, "m.csv", "a" * 64)
        with supabase_backend.unit_of_work(me) as uow:
            counts = uow.ads.apply_import(header, iter(rows), ImportTally)
            breakdown = uow.analytics.breakdown(AdFilter(), "video")
        assert (counts.added, counts.updated) == (3, 0)
        with supabase_backend.unit_of_work(me) as uow:
            kept = uow.ads.list(AdFilter(), PageRequest()).items
        assert first in kept and len(kept) == 4
        totals = analytics.totals(kept)
        assert [(b.key, b.label, b.totals) for b in breakdown] == [(video.id, video.title, totals)]
        assert breakdown[0].ratios.cpl == analytics.cpl(totals.spend, totals.leads)
        assert breakdown[0].ratios.ctr == analytics.ctr(totals.clicks, totals.impressions)

    def test_a_failed_import_is_undone(self, supabase_backend: SupabaseBackend) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        me = Actor.user(alice.id)
        with supabase_backend.unit_of_work(me) as uow:
            video = uow.videos.add(a_video(alice.id, uow.properties.add(a_property(alice.id)).id))
        with pytest.raises(RuntimeError), supabase_backend.unit_of_work(me) as uow:
            header = ImportHeader(str(uuid.uuid4()), alice.id, AdPlatform.META, "", "b" * 64)
            row = MappedAd(2, video.id, AdPlatform.META, date(2026, 11, 2), Decimal(1))
            uow.ads.apply_import(header, [row], ImportTally)
            raise RuntimeError("boom")
        with supabase_backend.unit_of_work(me) as uow:
            assert uow.analytics.summary(AdFilter()).ads == analytics.AdTotals()
            assert uow.ads.imports(PageRequest()).total == 0

    def test_leases_go_to_one_worker_and_only_the_system_may_lease(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        with supabase_backend.unit_of_work(Actor.user(alice.id)) as uow:
            prop = uow.properties.add(a_property(alice.id))
            videos = [uow.videos.add(a_video(alice.id, prop.id)) for _ in range(3)]
            for n, v in enumerate(videos):
                uow.videos.update(v.submit(f"e{n}"))
        now = datetime.now(UTC)
        with supabase_backend.unit_of_work(Actor.service()) as uow:
            one = uow.videos.lease("sync", "w1", now, now + timedelta(minutes=1), 2)
            two = uow.videos.lease("sync", "w2", now, now + timedelta(minutes=1), 5)
            assert len(one) == 2 and len(two) == 1
            assert {v.id for v in one} | {v.id for v in two} == {v.id for v in videos}
            uow.videos.release(two[0].id, "w2", now, now)
            assert [v.id for v in uow.videos.lease("sync", "w3", now, now, 5)] == [two[0].id]
        with pytest.raises(Forbidden), supabase_backend.unit_of_work(Actor.user(alice.id)) as uow:
            uow.videos.lease("sync", "w4", now, now + timedelta(minutes=1), 5)

    def test_lock_is_optimistic_a_change_in_between_is_refused(
        self, supabase_backend: SupabaseBackend
    ) -> None:
        alice = supabase_backend.add_user("alice@example.test")
        me = Actor.user(alice.id)
        with supabase_backend.unit_of_work(me) as uow:
            video = uow.videos.add(a_video(alice.id, uow.properties.add(a_property(alice.id)).id))
        with supabase_backend.unit_of_work(me) as first:
            locked = first.videos.lock(video.id)
            with supabase_backend.unit_of_work(Actor.service()) as other:
                other.videos.update(other.videos.get(video.id).submit("e-other"))
            with pytest.raises(RevideoError, match="changed meanwhile"):
                first.videos.update(locked.submit("e-mine"))
        with supabase_backend.unit_of_work(me) as uow:
            again = uow.videos.lock(video.id)
            assert uow.videos.update(again).engine_video_id == "e-other"


def test_an_unreachable_project_fails_at_start_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nothing listens
    from revideo.settings import Settings

    settings = Settings(data_dir=tmp_path, backend="supabase",
                        supabase_url=f"http://127.0.0.1:{port}", supabase_anon_key="a",
                        supabase_service_role_key="s")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        SupabaseBackend.from_settings(settings)
    assert caught.value.setting == "SUPABASE_URL"
    assert "\n" not in str(caught.value) and f"127.0.0.1:{port}" in str(caught.value)


def test_a_key_the_project_did_not_issue_is_refused_at_start(
    standin: StandInProject, tmp_path: Path
) -> None:
    import attrs

    settings = attrs.evolve(settings_for(standin, tmp_path), supabase_service_role_key="forged")
    with pytest.raises(ConfigError) as caught:
        SupabaseBackend.from_settings(settings)
    assert caught.value.setting == "SUPABASE_SERVICE_ROLE_KEY"


def test_mails_follow_the_documented_template_back_to_our_callback(
    supabase_backend: SupabaseBackend, standin: StandInProject
) -> None:
    from revideo.adapters.memory.store import OutboxMailer

    outbox = OutboxMailer()
    standin.auth.mailer = outbox
    identity = supabase_backend.identity(outbox)
    user_id = identity.sign_up("mia@example.test", GOOD, "Mia", CALLBACK)
    link = outbox.outbox[-1].body.split()[-1]
    assert link.startswith(f"{CALLBACK}?token=")
    assert identity.confirm(link.split("token=")[1]).user_id == user_id


class TestAtomicRenderWrites:
    def test_a_render_job_and_its_video_are_saved_by_one_sql_function(
        self, supabase_backend: SupabaseBackend, standin: StandInProject
    ) -> None:
        from revideo.adapters.memory.engine import FakeVideoEngine
        from tests.contract.test_atomicity import _services

        alice = supabase_backend.add_user("alice@example.test")
        me = Actor.user(alice.id)
        svc = _services(supabase_backend, FakeVideoEngine())
        prop = svc.properties.create(me, sample_property())
        ready = {"script_content": "Hi.", "avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
        draft = svc.videos.create_draft(me, VideoInput(prop.id, "Tour", **ready))
        standin.rest.calls.clear()
        video = svc.videos.submit(me, draft.id)
        assert ("POST", "rpc/revideo_save_video") in standin.rest.calls
        assert ("PATCH", "video_render_jobs") not in standin.rest.calls  # never on its own
        (job,) = svc.videos.jobs(me, video.id)
        assert job.engine_video_id == video.engine_video_id and job.engine_video_id is not None
        assert video.status.value == "pending" and video.attempt_count == 1
