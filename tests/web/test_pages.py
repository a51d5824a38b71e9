"""Every page: happy paths, and bad input that names its field and writes nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from revideo.domain.profile import Actor
from revideo.ports.repositories import AdFilter, PropertyFilter, VideoFilter
from tests.support import PNG, image, pixels
from tests.web.conftest import MEDIA_SRC, fetch_media, fields, new_property, new_video, post_ad


def count(services: Any, what: str) -> int:
    with services.backend.unit_of_work(Actor.service()) as uow:
        from revideo.domain.page import PageRequest

        repo = {"properties": uow.properties, "videos": uow.videos, "ads": uow.ads}[what]
        filt = {"properties": PropertyFilter(), "videos": VideoFilter(), "ads": AdFilter()}[what]
        return int(repo.list(filt, PageRequest(1, 1)).total)


class TestDashboard:
    def test_empty_state_leads_to_the_first_property(self, alice: Any) -> None:
        page = alice.get("/dashboard").text
        assert 'id="empty-state"' in page and "/properties/new" in page

    def test_counts_and_cards(self, alice: Any, services: Any, clock: Any) -> None:
        pid = new_property(alice)
        new_video(alice, pid)
        page = alice.get("/dashboard").text
        assert 'id="empty-state"' not in page
        assert re.search(r'id="count-pending">1<', page)
        assert re.search(r'id="card-cpl">—<', page)  # no leads: no CPL, not 0


class TestPropertyWizard:
    def test_wizard_creates_the_property_with_its_photos_in_order(
        self, alice: Any, services: Any
    ) -> None:
        pid = new_property(alice, photos=3)
        page = alice.get(f"/properties/{pid}").text
        assert "Sunny loft" in page and "Pool, Gym" in page
        assert page.count("gallery-photo") == 3
        src = re.search(MEDIA_SRC, page)
        assert src and pixels(fetch_media(alice, src[1])[2]) == ("PNG", (1, 1))

    def test_half_filled_wizard_survives_going_back(self, alice: Any) -> None:
        alice.post("/properties/new/basics", data={"title": "Kept", "category": "commercial"})
        alice.post("/properties/new/address", data={"address.city": "Reno", "back": "1"})
        assert 'value="Kept"' in alice.get("/properties/new/basics").text
        assert 'value="Reno"' in alice.get("/properties/new/address").text

    def test_every_step_after_the_first_offers_back(self, alice: Any) -> None:
        alice.post("/properties/new/basics", data={"title": "Kept", "category": "commercial"})
        back = 'name="back"'
        assert back not in alice.get("/properties/new/basics").text
        for step in ("address", "specs"):
            page = alice.get(f"/properties/new/{step}").text
            assert back in page and 'id="next"' in page, step

    @pytest.mark.parametrize(
        ("step", "data", "field"),
        [
            ("basics", {"title": "", "category": "residential"}, "title"),
            ("basics", {"title": "X", "category": "castle"}, "category"),
            ("basics", {"title": "X" * 201, "category": "resale"}, "title"),
            ("address", {"address.zip": "9" * 21}, "address.zip"),
            ("specs", {"specs.price": "-5"}, "specs.price"),
            ("specs", {"specs.baths": "1.3"}, "specs.baths"),
            ("specs", {"specs.beds": "two"}, "specs.beds"),
            ("specs", {"specs.area": "0"}, "specs.area"),
        ],
    )
    def test_each_step_names_the_bad_field(
        self, alice: Any, services: Any, step: str, data: dict[str, str], field: str
    ) -> None:
        answer = alice.post(f"/properties/new/{step}", data=data)
        assert answer.status_code == 400 and field in fields(answer.text)
        assert count(services, "properties") == 0

    def test_photos_are_type_checked(self, alice: Any) -> None:
        fake = (io.BytesIO(b"GIF89a not really"), "cat.png")
        answer = alice.post(
            "/properties/new/photos",
            data={"action": "upload", "photos": [fake]},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 400 and "photos" in fields(answer.text)
        none = alice.post("/properties/new/photos", data={"action": "upload"})
        assert none.status_code == 400 and "photos" in fields(none.text)

    def test_photos_can_be_reordered_and_removed(self, alice: Any) -> None:
        jpeg = image("JPEG")
        files = [(io.BytesIO(PNG), "a.png"), (io.BytesIO(jpeg), "b.jpg")]
        alice.post(
            "/properties/new/photos",
            data={"action": "upload", "photos": files},
            content_type="multipart/form-data",
        )
        ids = re.findall(r'name="photo" value="([^"]+)"', alice.get("/properties/new/photos").text)
        alice.post("/properties/new/photos", data={"action": "down", "photo": ids[0]})
        assert (
            re.findall(r'name="photo" value="([^"]+)"', alice.get("/properties/new/photos").text)
            == ids[::-1]
        )
        alice.post("/properties/new/photos", data={"action": "remove", "photo": ids[1]})
        assert re.findall(
            r'name="photo" value="([^"]+)"', alice.get("/properties/new/photos").text
        ) == [ids[0]]

    def test_review_without_basics_creates_nothing(self, alice: Any, services: Any) -> None:
        answer = alice.post("/properties/new/review", data={})
        assert answer.status_code == 400 and "title" in fields(answer.text)
        assert count(services, "properties") == 0

    def test_cancel_discards(self, alice: Any) -> None:
        alice.post("/properties/new/basics", data={"title": "Gone", "category": "resale"})
        alice.post("/properties/new/cancel")
        assert "Gone" not in alice.get("/properties/new/basics").text


class TestProperties:
    def test_list_filters_and_pages(self, alice: Any) -> None:
        for i in range(13):
            city = "Austin" if i % 2 else "Dallas"
            new_property(alice, **{"title": f"Home {i}", "address.city": city})
        first = alice.get("/properties/").text
        assert first.count('class="card h-100 property-card"') == 12 and "1 / 2" in first
        assert alice.get("/properties/?page=2").text.count('class="card h-100 property-card"') == 1
        dallas = alice.get("/properties/?city=Dallas").text
        assert dallas.count('class="card h-100 property-card"') == 7
        assert "Home 12" in alice.get("/properties/?q=home+12").text
        commercial = alice.get("/properties/?category=commercial").text
        assert commercial.count('class="card h-100 property-card"') == 0
        assert alice.get("/properties/?category=castle").status_code == 400
        assert alice.get("/properties/?page=abc").status_code == 400

    def test_edit_saves_and_bad_input_changes_nothing(self, alice: Any, services: Any) -> None:
        pid = new_property(alice)
        form = re.findall(
            r'name="([^"]+)"\s+value="([^"]*)"', alice.get(f"/properties/{pid}/edit").text
        )
        data = dict(form) | {"category": "resale", "title": "Renamed"}
        assert alice.post(f"/properties/{pid}/edit", data=data).status_code == 302
        assert "Renamed" in alice.get(f"/properties/{pid}").text
        bad = alice.post(f"/properties/{pid}/edit", data=data | {"title": "", "specs.price": "1"})
        assert bad.status_code == 400 and "title" in fields(bad.text)
        assert "Renamed" in alice.get(f"/properties/{pid}").text

    def test_delete_asks_first(self, alice: Any, services: Any) -> None:
        pid = new_property(alice, photos=1)
        assert "cannot be undone" in alice.get(f"/properties/{pid}/delete").text
        assert count(services, "properties") == 1
        assert alice.post(f"/properties/{pid}/delete").status_code == 302
        assert count(services, "properties") == 0
        assert alice.get(f"/properties/{pid}").status_code == 404

    def test_photos_on_the_detail_page(self, alice: Any) -> None:
        pid = new_property(alice)
        files = [(io.BytesIO(PNG), "a.png"), (io.BytesIO(PNG), "b.png")]
        added = alice.post(
            f"/properties/{pid}/photos", data={"photos": files}, content_type="multipart/form-data"
        )
        assert added.status_code == 302
        page = alice.get(f"/properties/{pid}").text
        ids = re.findall(r'name="order" value="([^"]+)"', page)[:2]
        alice.post(f"/properties/{pid}/photos/order", data={"order": ids, "move": f"down:{ids[0]}"})
        assert (
            re.findall(r'name="order" value="([^"]+)"', alice.get(f"/properties/{pid}").text)[:2]
            == ids[::-1]
        )
        bad = alice.post(
            f"/properties/{pid}/photos",
            data={"photos": [(io.BytesIO(b"x"), "x.txt")]},
            content_type="multipart/form-data",
        )
        assert bad.status_code == 400 and "photos" in fields(bad.text)
        order = alice.post(f"/properties/{pid}/photos/order", data={"order": ids[:1]})
        assert order.status_code == 400 and "order" in fields(order.text)


class TestVideos:
    def test_generate_poll_and_finish(self, alice: Any, services: Any, clock: Any) -> None:
        vid = new_video(alice, new_property(alice, photos=1))
        page = alice.get(f"/videos/{vid}").text
        assert 'data-in-flight="true"' in page and "Welcome to this sunny loft." in page
        status = alice.get(f"/api/videos/{vid}/status").json
        assert status["status"] == "pending" and status["jobs"][0]["attempt"] == 1
        clock.advance(minutes=5)
        services.pipeline.sync()
        done = alice.get(f"/api/videos/{vid}/status").json
        assert done["status"] == "completed" and not done["in_flight"]
        assert done["video_url"]
        assert "completed" in alice.get("/videos/?status=completed").text
        assert "Loft tour" not in alice.get("/videos/?status=failed").text

    def test_failed_render_can_be_retried(self, alice: Any, services: Any, clock: Any) -> None:
        services.engine.fail_next("avatar crashed")
        vid = new_video(alice, new_property(alice))
        clock.advance(minutes=5)
        services.pipeline.sync()
        page = alice.get(f"/videos/{vid}").text
        assert "avatar crashed" in page and 'id="retry"' in page
        assert alice.post(f"/videos/{vid}/retry").status_code == 302
        state = alice.get(f"/api/videos/{vid}/status").json
        assert state["status"] == "pending" and len(state["jobs"]) == 2
        assert alice.post(f"/videos/{vid}/retry").status_code == 409  # pending: nothing to retry

    def test_script_over_the_limit_names_the_field(self, alice: Any, services: Any) -> None:
        pid = new_property(alice)
        alice.get(f"/videos/new?property={pid}")
        alice.post(
            "/videos/new/presenter", data={"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}
        )
        page = alice.get("/videos/new/script").text
        limit = services.engine.max_script_chars
        assert f'data-max-chars="{limit}"' in page and "Sunny loft" in page  # a written script
        long = alice.post("/videos/new/script", data={"script_content": "x" * (limit + 1)})
        assert long.status_code == 400 and "script_content" in fields(long.text)
        empty = alice.post("/videos/new/script", data={"script_content": "  "})
        assert empty.status_code == 400 and "script_content" in fields(empty.text)

    def test_script_step_shows_length_and_spoken_time_and_rewrites_in_a_tone(
        self, alice: Any
    ) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        warm = alice.get("/videos/new/script").text
        seconds = re.search(r'id="script-seconds">(\d+)<', warm)
        assert seconds is not None and int(seconds[1]) > 0
        luxury = alice.post(
            "/videos/new/script", data={"rewrite": "1", "tone": "luxury", "purpose": "sale"}
        )
        assert luxury.status_code == 200  # the new script is shown for checking first (issue 18)
        assert 'value="luxury" selected' in luxury.text
        script = re.search(r'name="script_content"[^>]*>([^<]*)<', luxury.text)
        assert script is not None and script[1] not in warm
        bad = alice.post("/videos/new/script", data={"rewrite": "1", "tone": "shouty"})
        assert bad.status_code == 400 and "tone" in fields(bad.text)

    @pytest.mark.parametrize(
        ("step", "data", "field"),
        [
            ("presenter", {"avatar_id": "nobody", "voice_id": "fake-voice-en"}, "avatar_id"),
            ("presenter", {"avatar_id": "fake-anna", "voice_id": "mute"}, "voice_id"),
            ("options", {"title": "", "purpose": "sale", "aspect_ratio": "16:9"}, "title"),
            ("options", {"title": "T", "purpose": "lease", "aspect_ratio": "16:9"}, "purpose"),
            ("options", {"title": "T", "purpose": "sale", "aspect_ratio": "4:3"}, "aspect_ratio"),
        ],
    )
    def test_studio_steps_name_the_bad_field(
        self, alice: Any, services: Any, step: str, data: dict[str, str], field: str
    ) -> None:
        alice.get(f"/videos/new?property={new_property(alice)}")
        answer = alice.post(f"/videos/new/{step}", data=data)
        assert answer.status_code == 400 and field in fields(answer.text)
        assert count(services, "videos") == 0

    def test_studio_refuses_an_unknown_property(self, alice: Any) -> None:
        answer = alice.post("/videos/new/property", data={"property_id": ""})
        assert answer.status_code == 400 and "property_id" in fields(answer.text)

    def test_delete_a_finished_video(self, alice: Any, services: Any, clock: Any) -> None:
        vid = new_video(alice, new_property(alice))
        assert alice.post(f"/videos/{vid}/delete").status_code == 409  # still rendering
        clock.advance(minutes=5)
        services.pipeline.sync()
        assert alice.post(f"/videos/{vid}/delete").status_code == 302
        assert count(services, "videos") == 0


class TestAdsAndAnalytics:
    def _video(self, alice: Any) -> str:
        return new_video(alice, new_property(alice))

    def test_add_edit_delete(self, alice: Any, services: Any) -> None:
        vid = self._video(alice)
        row = {
            "video_id": vid,
            "platform": "meta",
            "date_recorded": "2026-11-20",
            "spend_amount": "120.50",
            "impressions": "1000",
            "clicks": "40",
            "leads": "4",
        }
        assert post_ad(alice, row).status_code == 302
        table = alice.get("/ads/").text
        assert "$120.50" in table and "CPL $30.13" in table  # 30.125, half-up to the cent
        rid = re.search(r"/ads/([^/]+)/edit", table)[1]  # type: ignore[index]
        assert alice.post(f"/ads/{rid}/edit", data=row | {"leads": "5"}).status_code == 302
        assert "CPL $24.10" in alice.get("/ads/").text
        assert post_ad(alice, row).status_code == 409  # same video, platform, day
        assert alice.post(f"/ads/{rid}/delete").status_code == 302
        assert count(services, "ads") == 0

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"platform": "tiktok"}, "platform"),
            ({"date_recorded": "yesterday"}, "date_recorded"),
            ({"spend_amount": "-1"}, "spend_amount"),
            ({"spend_amount": "1.234"}, "spend_amount"),
            ({"impressions": "1e3"}, "impressions"),
            ({"clicks": "-3"}, "clicks"),
            ({"leads": "many"}, "leads"),
            ({"video_id": ""}, "video_id"),
        ],
    )
    def test_bad_figures_name_the_field(
        self, alice: Any, services: Any, change: dict[str, str], field: str
    ) -> None:
        row = {
            "video_id": self._video(alice),
            "platform": "google",
            "date_recorded": "2026-11-20",
            "spend_amount": "10",
            "impressions": "100",
            "clicks": "5",
            "leads": "1",
        }
        answer = post_ad(alice, row | change)
        assert answer.status_code == 400 and field in fields(answer.text)
        assert count(services, "ads") == 0

    def test_analytics_filters_charts_and_csv(self, alice: Any) -> None:
        vid = self._video(alice)
        for platform, day, spend, leads in (
            ("meta", "2026-11-01", "100", "4"),
            ("google", "2026-11-02", "50", "0"),
        ):
            post_ad(
                alice,
                {
                    "video_id": vid,
                    "platform": platform,
                    "date_recorded": day,
                    "spend_amount": spend,
                    "impressions": "1000",
                    "clicks": "10",
                    "leads": leads,
                },
            )
        page = alice.get("/analytics/").text
        assert re.search(r'id="card-cpl">\$37.50<', page)
        assert "/assets/plotly.min.js?v=" in page and "cdn" not in page.lower()
        assert '"over_time"' in page
        meta = alice.get("/analytics/?platform=meta").text
        assert re.search(r'id="card-cpl">\$25.00<', meta)
        csv = alice.get("/analytics/export.csv?platform=google").text.splitlines()
        assert csv[0].startswith("section,key,spend")
        assert "day,2026-11-02,50.00,1000,10,0,,0.0100," in csv
        assert not any(line.startswith("day,2026-11-01") for line in csv)
        assert "total,all,50.00,1000,10,0,,0.0100," in csv
        assert "videos,success_rate,,,,,,,0.0000" in csv
        bad = alice.get("/analytics/?date_from=2026-12-01&date_to=2026-11-01")
        assert bad.status_code == 400 and "date_to" in bad.text
        soon = alice.get("/analytics/?date_from=soon")
        assert soon.status_code == 400 and 'id="unfiltered"' in soon.text  # said above the page
        assert 'id="chart-data"' in soon.text and "From: must be a date" in soon.text
        js = alice.get("/assets/plotly.min.js?v=1")
        assert js.status_code == 200 and "immutable" in js.headers["Cache-Control"]
