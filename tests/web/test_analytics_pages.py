"""Analytics tables per video, property, platform and user, and their CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tests.web.conftest import key_on, new_property, new_video, post_ad


def add(client: Any, video: str, platform: str, day: str, *figures: str) -> None:
    names = ("spend_amount", "impressions", "clicks", "leads")
    data = {
        "video_id": video,
        "platform": platform,
        "date_recorded": day,
        **dict(zip(names, figures, strict=True)),
    }
    assert post_ad(client, data).status_code == 302


def seed(client: Any) -> tuple[str, str]:
    villa = new_video(client, new_property(client))
    loft = new_video(client, new_property(client), script="=HYPERLINK(1) a loft.")
    add(client, villa, "meta", "2026-11-01", "100", "20000", "200", "8")
    add(client, villa, "google", "2026-11-02", "50", "5000", "0", "0")
    add(client, loft, "meta", "2026-11-03", "30", "0", "0", "0")
    return villa, loft


def row_of(html: str, table: str, key: str) -> list[str]:
    body = html.split(f'id="table-{table}"', 1)[1].split("</table>", 1)[0]
    found = re.search(rf'<tr data-key="{key}">(.*?)</tr>', body, re.S)
    assert found, body
    return [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found[1], re.S)
    ]


def test_tables_show_every_ratio_and_a_dash_for_zero_divisors(alice: Any) -> None:
    villa, loft = seed(alice)
    html = alice.get("/analytics/").text
    # villa: spend 150, impr 25000, clicks 200, leads 8
    assert row_of(html, "video", villa)[1:] == [
        "$150.00", "25,000", "200", "8", "0.8 %", "$0.75", "$6.00", "4.0 %", "$18.75",
    ]  # fmt: skip
    assert row_of(html, "video", loft)[1:] == ["$30.00", "0", "0", "0", "—", "—", "—", "—", "—"]
    assert row_of(html, "platform", "google")[5:] == ["0.0 %", "—", "$10.00", "—", "—"]
    assert 'id="table-property"' in html and 'id="table-user"' not in html
    assert 'id="chart-over-time"' in html  # the charts stay
    only_meta = alice.get(f"/analytics/?platform=meta&video={villa}").text
    assert row_of(only_meta, "video", villa)[1] == "$100.00"
    assert f'data-key="{loft}"' not in only_meta.split('id="table-video"')[1].split("</table>")[0]


def test_csv_and_xlsx_exports_hold_the_table(alice: Any) -> None:
    from openpyxl import load_workbook

    villa, _ = seed(alice)
    answer = alice.get("/analytics/table/video.csv?date_to=2026-11-02")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["video", "label", "spend", "impressions", "clicks", "leads",
                       "ctr", "cpc", "cpm", "lead_rate", "cpl"]  # fmt: skip
    assert rows[1] == [villa, "Loft tour", "150.00", "25000", "200", "8",
                       "0.0080", "0.7500", "6.0000", "0.0400", "18.7500"]  # fmt: skip
    assert len(rows) == 2  # the loft's only row is after date_to
    xlsx = alice.get("/analytics/table/platform.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["platform", "label", "spend"]
    by_key = {r[0]: r for r in values[1:]}
    assert by_key["meta"][2:6] == [130, 20000, 200, 8] and by_key["meta"][10] == 16.25
    assert by_key["google"][7] is None  # CPC undefined: an empty cell, not 0
    assert alice.get("/analytics/table/nothing.csv").status_code == 404


def test_a_label_that_looks_like_a_formula_stays_text(alice: Any) -> None:
    from openpyxl import load_workbook

    prop = new_property(alice)
    assert alice.get(f"/videos/new?property={prop}").status_code == 302
    for step, data in (
        ("presenter", {"avatar_id": "fake-anna", "voice_id": "fake-voice-en"}),
        ("script", {"script_content": "Welcome home.", "purpose": "sale"}),
        ("options", {"title": "=1+1", "purpose": "sale", "aspect_ratio": "16:9"}),
    ):
        if step == "options":
            data["submission_key"] = key_on(alice, "/videos/new/options")
        answer = alice.post(f"/videos/new/{step}", data=data)
        assert answer.status_code == 302, step
    video = answer.location.rsplit("/", 1)[1]
    add(alice, video, "meta", "2026-11-01", "1", "1", "1", "1")
    assert f"{video},'=1+1," in alice.get("/analytics/table/video.csv").text
    book = load_workbook(io.BytesIO(alice.get("/analytics/table/video.xlsx").data))
    assert book.active["B2"].value == "=1+1" and book.active["B2"].data_type == "s"


def test_admins_cut_by_user_and_users_may_not(alice: Any, bob: Any, admin: Any) -> None:
    villa, _ = seed(alice)
    assert 'id="table-user"' not in admin.get("/analytics/").text  # their own, by default
    admin.post("/account/scope", data={"everyone": "1"})  # issue 18: everyone's, by choice
    html = admin.get("/analytics/").text
    assert 'id="table-user"' in html and "alice@example.com" in html
    users = re.findall(r'<option value="([^"]+)" >alice@example.com<', html)
    assert users, "the user filter lists alice"
    mine = admin.get(f"/analytics/?user={users[0]}").text
    assert row_of(mine, "video", villa)[1] == "$150.00"
    assert admin.get("/analytics/table/user.csv").status_code == 200
    assert bob.get("/analytics/table/user.csv").status_code == 403
    assert bob.get(f"/analytics/?user={users[0]}").status_code == 403
    assert f'data-key="{villa}"' not in bob.get("/analytics/").text
