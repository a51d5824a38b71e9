"""The import page: upload, preview (errors, unmapped rows, per-row choices), commit, cancel."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from tests.web.conftest import new_property, new_video, post_ad


def report(video_id: str, bad_line: bool = False) -> bytes:
    lines = [
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads",
        f"Spring,Tour rv-{video_id[:8]},2026-11-01,100.00,1000,10,4",
        "Spring,Mystery ad,2026-11-02,30.00,500,5,1",
    ]
    if bad_line:
        lines.append("Spring,Another,2026-11-03,lots,500,5,1")
    return ("\n".join(lines) + "\n").encode()


def upload(client: Any, body: bytes, name: str = "meta.csv", **form: str) -> Any:
    data = {"file": (io.BytesIO(body), name), **form}
    return client.post("/ads/import", data=data, content_type="multipart/form-data")


def token_of(html: str) -> str:
    found = re.search(r'action="/ads/import/([A-Za-z0-9_-]+)"', html)
    assert found, html
    return found[1]


def kept_files(services: Any) -> list[str]:
    """Every user's kept reports and their details, in the media store's staging area."""
    from revideo.domain.profile import Actor

    system, store = Actor.service(), services.store
    found = [o.path for f in store.staging_folders(system) for o in store.staged_in(system, f)]
    return sorted(p for p in found if p.endswith((".report", ".meta")))


def figures(services: Any, client_actor: Any) -> list[tuple[str, str, Decimal, int]]:
    rows = services.ads.list(client_actor).items
    return sorted((r.video_id, r.date_recorded.isoformat(), r.spend_amount, r.leads) for r in rows)


def actor_for(services: Any, email: str) -> Any:
    from revideo.domain.page import PageRequest
    from revideo.domain.profile import Actor

    with services.backend.unit_of_work(Actor.service()) as uow:
        found = [p for p in uow.profiles.list(PageRequest(1, 100)).items if p.email == email]
    return Actor.user(found[0].id, role=found[0].role, email=email)


def test_preview_then_commit_with_a_per_row_choice(alice: Any, services: Any) -> None:
    vid = new_video(alice, new_property(alice))
    page = upload(alice, report(vid))
    assert page.status_code == 200, page.text
    html = page.text
    assert re.search(r'id="count-to-add">1<', html) and re.search(r'id="count-unmapped">1<', html)
    assert 'name="line-3"' in html and "Mystery ad" in html
    token = token_of(html)
    assert len(kept_files(services)) == 2  # the file and its details, kept server-side
    me = actor_for(services, "alice@example.com")
    assert services.ads.list(me).total == 0  # a preview writes nothing
    again = alice.post(f"/ads/import/{token}", data={"action": "preview", "line-3": vid})
    assert re.search(r'id="count-to-add">2<', again.text)
    assert re.search(r'id="count-unmapped">0<', again.text)
    done = alice.post(f"/ads/import/{token}", data={"action": "commit", "line-3": vid})
    assert done.status_code == 302, done.text
    assert figures(services, me) == [
        (vid, "2026-11-01", Decimal("100.00"), 4),
        (vid, "2026-11-02", Decimal("30.00"), 1),
    ]
    assert kept_files(services) == []  # cleaned up after the commit
    assert alice.post(f"/ads/import/{token}", data={"action": "commit"}).status_code == 404
    second = upload(alice, report(vid))
    assert re.search(r'id="count-to-add">0<', second.text)
    assert 'id="duplicate"' in second.text  # the same file again changes nothing
    assert re.search(r'<button[^>]*id="commit" disabled>Import 0 rows<', second.text)


def test_lines_with_errors_block_the_commit_unless_skipped(alice: Any, services: Any) -> None:
    vid = new_video(alice, new_property(alice))
    html = upload(alice, report(vid, bad_line=True)).text
    assert re.search(
        r"<td>4</td><td>Amount spent \(USD\)</td><td>&#39;lots&#39; is not a number", html
    )
    token = token_of(html)
    refused = alice.post(f"/ads/import/{token}", data={"action": "commit"})
    assert refused.status_code == 400
    assert "line 4" in refused.text and "nothing was imported" in refused.text
    me = actor_for(services, "alice@example.com")
    assert services.ads.list(me).total == 0
    done = alice.post(f"/ads/import/{token}", data={"action": "commit", "skip_errors": "on"})
    assert done.status_code == 302
    assert [r.date_recorded.isoformat() for r in services.ads.list(me).items] == ["2026-11-01"]


def test_unreadable_files_name_the_problem_and_keep_nothing(alice: Any, services: Any) -> None:
    answer = upload(alice, b"hello\nthere\n")
    assert answer.status_code == 400 and 'data-field="file"' in answer.text
    assert "no header row" in answer.text
    assert upload(alice, b"", name="").status_code == 400
    assert kept_files(services) == []


def test_cancel_forgets_the_file_and_others_cannot_use_it(
    alice: Any, bob: Any, services: Any
) -> None:
    vid = new_video(alice, new_property(alice))
    token = token_of(upload(alice, report(vid)).text)
    assert bob.post(f"/ads/import/{token}", data={"action": "commit"}).status_code == 404
    assert bob.post(f"/ads/import/{token}/cancel").status_code == 404
    assert alice.post(f"/ads/import/{token}/cancel").status_code == 302
    assert kept_files(services) == []
    assert alice.post("/ads/import/../../etc", data={"action": "commit"}).status_code == 404


def test_preview_shows_the_rows_and_keeps_skip_errors_ticked(alice: Any, services: Any) -> None:
    vid = new_video(alice, new_property(alice))
    html = upload(alice, report(vid, bad_line=True)).text
    assert re.search(r"<tr data-outcome=\"added\">\s*<td>2</td>", html), html
    assert re.search(r'id="skip_errors" checked>', html)
    token = token_of(html)
    kept = alice.post(f"/ads/import/{token}", data={"action": "preview", "skip_errors": "on"})
    assert re.search(r'id="skip_errors" checked>', kept.text)
    left = alice.post(f"/ads/import/{token}", data={"action": "preview"})
    assert re.search(r'id="skip_errors" >', left.text)


def restated(video_id: str) -> bytes:
    lines = [
        "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads",
        f"Spring,Tour rv-{video_id[:8]},2026-11-01,100.00,1000,10,6",
        f"Spring,Tour rv-{video_id[:8]},2026-11-02,50.00,20,40,1",
    ]
    return ("\n".join(lines) + "\n").encode()


def commit_file(client: Any, body: bytes) -> Any:
    token = token_of(upload(client, body).text)
    return client.post(f"/ads/import/{token}", data={"action": "commit", "skip_errors": "on"})


def test_a_restatement_updates_and_the_history_undoes_it(alice: Any, services: Any) -> None:
    vid = new_video(alice, new_property(alice))
    me = actor_for(services, "alice@example.com")
    commit_file(alice, report(vid))
    preview = upload(alice, restated(vid)).text
    assert re.search(r'id="count-to-update">1<', preview) and "was $100.00" in preview
    assert "flagged: more clicks than impressions (40 &gt; 20)" in preview
    done = commit_file(alice, restated(vid))
    assert done.status_code == 302
    detail = alice.get(done.headers["Location"]).text
    assert "updated 1" in detail and "4 → 6" in detail
    assert "more clicks than impressions (40 &gt; 20)" in detail
    assert figures(services, me) == [
        (vid, "2026-11-01", Decimal("100.00"), 6),
        (vid, "2026-11-02", Decimal("50.00"), 1),
    ]
    history = alice.get("/ads/imports").text
    assert history.count("/ads/imports/") == 2
    import_id = done.headers["Location"].rsplit("/", 1)[1]
    undone = alice.post(f"/ads/imports/{import_id}/undo")
    assert undone.status_code == 302
    assert figures(services, me) == [(vid, "2026-11-01", Decimal("100.00"), 4)]
    assert alice.post(f"/ads/imports/{import_id}/undo").status_code == 400


def test_others_cannot_see_or_undo_an_import(alice: Any, bob: Any) -> None:
    vid = new_video(alice, new_property(alice))
    done = commit_file(alice, report(vid))
    import_id = done.headers["Location"].rsplit("/", 1)[1]
    assert bob.get(f"/ads/imports/{import_id}").status_code == 404
    assert bob.post(f"/ads/imports/{import_id}/undo").status_code == 404
    assert "No report imported yet" in bob.get("/ads/imports").text


def test_every_video_shows_its_ad_reference_to_copy(alice: Any) -> None:
    vid = new_video(alice, new_property(alice))
    ref = f"rv-{vid.replace('-', '')[:8]}"
    for page in ("/videos/", f"/videos/{vid}"):
        html = alice.get(page).text
        assert '<code class="small"' in html and f'data-copy="{ref}"' in html, page


def test_the_ad_form_refuses_implausible_figures_with_the_reason(alice: Any) -> None:
    vid = new_video(alice, new_property(alice))
    base = {"video_id": vid, "platform": "manual", "date_recorded": "2026-11-01"}
    data = {**base, "spend_amount": "5", "impressions": "100", "clicks": "500", "leads": "0"}
    refused = post_ad(alice, data)
    assert refused.status_code == 400
    assert 'data-field="clicks"' in refused.text
    assert "must not be more than the impressions (500 &gt; 100)" in refused.text
    future = post_ad(alice, {**data, "clicks": "5", "date_recorded": "2999-01-01"})
    assert future.status_code == 400 and "2999-01-01 is in the future" in future.text
    assert post_ad(alice, {**data, "clicks": "5"}).status_code == 302


def test_imported_rows_cannot_be_edited_by_hand(alice: Any, services: Any) -> None:
    vid = new_video(alice, new_property(alice))
    commit_file(alice, report(vid))
    me = actor_for(services, "alice@example.com")
    [row] = services.ads.list(me).items
    assert row.import_id is not None
    data = {"video_id": vid, "platform": "meta", "date_recorded": "2026-11-01",
            "spend_amount": "1", "impressions": "10", "clicks": "1", "leads": "0"}  # fmt: skip
    answer = alice.post(f"/ads/{row.id}/edit", data=data)
    assert answer.status_code == 400 and "imported report" in answer.text
    assert services.ads.list(me).items == [row]
