"""The studio and video pages as a person meets them (issue 18): the presenter step's
defaults and voice lists, the live video page, every error at once, what people type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import fields, new_property, new_video


def _live_part(html: str) -> str:
    """The part of a video page that changes while it renders, without one-time tokens."""
    start = html.index('<div id="video-live"')
    part = html[start : html.index("<!-- /video-live -->", start)]
    return re.sub(r'name="csrf_token" value="[^"]*"', "", part)


class TestVideoPage:
    def test_the_live_part_is_what_a_fresh_load_shows(
        self, alice: Any, services: Any, clock: Any
    ) -> None:
        vid = new_video(alice, new_property(alice))
        pending = alice.get(f"/videos/{vid}/live").json
        assert pending["in_flight"] and 'id="add-ad"' not in pending["html"]
        clock.advance(minutes=5)
        services.pipeline.sync()
        done = alice.get(f"/videos/{vid}/live").json
        assert done["status"] == "completed" and not done["in_flight"]
        page = alice.get(f"/videos/{vid}").text
        assert _live_part(done["html"]) == _live_part(page)
        for action in ('id="add-ad"', 'id="delete"', 'class="credits"', 'id="player"'):
            assert action in done["html"], action

    def test_the_page_names_the_avatar_and_voice(self, alice: Any) -> None:
        page = alice.get(f"/videos/{new_video(alice, new_property(alice))}").text
        used = re.search(r'id="presenter-used">(.*?)</div>', page)
        assert used and "Anna" in used[1] and "English" in used[1]


class TestPresenterStep:
    def test_the_default_voice_speaks_the_language_and_suits_the_avatar(self, alice: Any) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        page = alice.get("/videos/new/presenter").text
        assert re.search(r'name="avatar_id" value="fake-anna"[^>]*checked', page)
        assert re.search(r'name="voice_id" value="fake-voice-en"[^>]*checked', page)
        assert "fake-voice-es" not in page  # English first: Spanish only when asked for
        spanish = alice.get("/videos/new/presenter?lang=Spanish").text
        assert "fake-voice-es" in spanish and 'value="fake-voice-en"' in spanish  # still chosen

    def test_searching_keeps_the_choices_made(self, alice: Any) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        answer = alice.post(
            "/videos/new/presenter",
            data={"avatar_id": "fake-ben", "filter": "search", "lang": "all", "q": "spanish"},
        )
        assert answer.status_code == 302 and "q=spanish" in answer.location
        page = alice.get(answer.location).text
        assert re.search(r'name="avatar_id" value="fake-ben"[^>]*checked', page)
        assert 'value="fake-voice-es"' in page and "English" not in re.sub(
            r'(?s).*id="voices">', "", page
        ).split("</fieldset>")[0].replace("fake-voice-en", "")

    def test_every_error_at_once_in_the_users_words(self, alice: Any) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        alice.post("/videos/new/presenter", data={"avatar_id": "x", "voice_id": "y"})
        answer = alice.post("/videos/new/presenter", data={"avatar_id": "x", "voice_id": "y"})
        assert answer.status_code == 400
        assert set(fields(answer.text)) == {"avatar_id", "voice_id"}
        assert "avatar_id:" not in answer.text and "Avatar:" in answer.text


class TestScriptStep:
    def test_a_new_script_is_news_not_an_error(self, alice: Any) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        answer = alice.post(
            "/videos/new/script", data={"rewrite": "1", "tone": "luxury", "purpose": "sale"}
        )
        assert answer.status_code == 200 and fields(answer.text) == []
        assert 'id="script-rewritten"' in answer.text


class TestPhotosAndThumbnails:
    def test_next_uploads_the_photos_chosen_instead_of_dropping_them(self, alice: Any) -> None:
        import io

        from tests.support import PNG

        alice.get("/properties/new")
        for name, data in {
            "basics": {"title": "Chosen", "category": "residential"},
            "address": {"address.city": "Austin"},
            "specs": {"specs.price": "$ 895,000"},  # as people type it
        }.items():
            answer = alice.post(f"/properties/new/{name}", data=data)
            assert answer.status_code == 302, fields(answer.text)
        files = [(io.BytesIO(PNG), f"p{i}.png") for i in range(2)]
        answer = alice.post(
            "/properties/new/photos",
            data={"action": "next", "photos": files},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302 and answer.location.endswith("/review")
        review = alice.get("/properties/new/review").text
        assert re.search(r'id="review-photo-count">2<', review)

    def test_cards_show_the_cover_photo_and_the_poster_frame(
        self, alice: Any, services: Any, clock: Any
    ) -> None:
        pid = new_property(alice, photos=2)
        bare = new_property(alice)
        vid = new_video(alice, pid)
        clock.advance(minutes=5)
        services.pipeline.sync()
        services.pipeline.archive()
        cards = alice.get("/properties/").text
        cover = re.findall(r'<img src="([^"]+)" class="card-img-top thumb cover-photo"', cards)
        assert len(cover) == 1 and cards.count("no-cover") == 1
        assert bare in cards
        detail = alice.get(f"/properties/{pid}").text
        assert cover[0] in detail  # the first photo of the gallery
        poster = alice.get(f"/api/videos/{vid}/status").json["thumbnail_url"]
        assert poster and not poster.startswith("fake:")  # archived: our own copy
        for page in ("/videos/", "/dashboard"):
            assert f'<img src="{poster}" class="thumb thumb-sm video-poster"' in alice.get(
                page
            ).text.replace("&amp;", "&"), page


class TestEveryErrorAtOnce:
    def test_the_specs_step_names_every_wrong_field_beside_it(self, alice: Any) -> None:
        alice.get("/properties/new")
        answer = alice.post(
            "/properties/new/specs",
            data={"specs.price": "lots", "specs.beds": "-1", "specs.baths": "2.25"},
        )
        assert answer.status_code == 400
        assert set(fields(answer.text)) == {"specs.price", "specs.beds", "specs.baths"}
        assert "specs.price:" not in answer.text and "Price ($): must be a number" in answer.text

    def test_the_ad_form_takes_dollars_and_names_every_wrong_field(self, alice: Any) -> None:
        from tests.web.conftest import post_ad

        vid = new_video(alice, new_property(alice))
        row = {"video_id": "", "platform": "meta", "date_recorded": "someday",
               "spend_amount": "$30", "impressions": "5,000", "clicks": "x",
               "leads": "1"}  # fmt: skip
        bad = post_ad(alice, row)
        assert bad.status_code == 400
        assert set(fields(bad.text)) == {"video_id", "date_recorded", "clicks"}
        assert "video_id:" not in bad.text and "Video: choose a video" in bad.text
        good = post_ad(alice, row | {"video_id": vid, "date_recorded": "2026-11-20", "clicks": "7"})
        assert good.status_code == 302
        table = alice.get("/ads/").text
        assert "$30.00" in table and "5,000" in table


class TestAdminsSeeTheirOwnFirst:
    def test_everyone_is_a_choice_with_the_owner_shown(self, users: Any, backend: Any) -> None:
        from revideo.adapters.supabase import SupabaseBackend

        if isinstance(backend, SupabaseBackend):  # known gap, see the issue-18 report
            pytest.skip("Supabase's list RPCs apply RLS's admin rule: no own-only filter yet")
        alice = users.client("alice@example.com")
        new_video(alice, new_property(alice, **{"title": "Alice's loft"}))
        root = users.client("root@example.com", "admin")
        new_property(root, **{"title": "Root's barn"})
        for page in ("/properties/", "/videos/", "/dashboard"):
            mine = root.get(page).text
            assert "Alice" not in mine and 'id="scope-everyone"' in mine, page
        assert re.search(r'id="count-pending">0<', root.get("/dashboard").text)
        assert root.post("/account/scope", data={"everyone": "1"}).status_code == 302
        every = root.get("/properties/").text
        assert "Alice" in every and "Owner: alice@example.com" in every
        assert "alice@example.com" in root.get("/videos/").text
        assert re.search(r'id="count-pending">1<', root.get("/dashboard").text)
        root.post("/account/scope", data={"everyone": "0"})
        assert "Alice" not in root.get("/properties/").text
        alice.post("/account/scope", data={"everyone": "1"})  # not an admin: nothing changes
        assert "Root" not in alice.get("/properties/").text
