"""Domain values validate at construction and name the bad field."""

from datetime import date
from decimal import Decimal

import pytest

from revideo.domain.ads import AdInput
from revideo.domain.errors import ValidationError
from revideo.domain.page import Page, PageRequest
from revideo.domain.property import Address, Property, PropertyCategory, Specs


def field_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc.value.field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"price": "-1"}, "specs.price"),
        ({"price": "abc"}, "specs.price"),
        ({"area": "0"}, "specs.area"),
        ({"beds": -1}, "specs.beds"),
        ({"beds": 1.5}, "specs.beds"),
        ({"baths": "2.25"}, "specs.baths"),
        ({"baths": "-0.5"}, "specs.baths"),
        ({"price": "1.001"}, "specs.price"),
        ({"price": "NaN"}, "specs.price"),
    ],
)
def test_bad_specs_name_their_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Specs(**kwargs)  # type: ignore[arg-type]
    assert field_of(exc) == field


def test_specs_keep_halves_and_dedupe_amenities() -> None:
    specs = Specs(
        price="1250000", area="2400.5", beds=3, baths="2.5", amenities="Pool, pool ,Gym,,"
    )
    assert specs.price == Decimal("1250000")
    assert specs.baths == Decimal("2.5")
    assert specs.amenities == ("Pool", "Gym")


def test_property_requires_a_title_and_a_known_category() -> None:
    with pytest.raises(ValidationError) as exc:
        Property(id="p", user_id="u", title="  ", category="residential")
    assert field_of(exc) == "title"
    with pytest.raises(ValidationError) as exc:
        Property(id="p", user_id="u", title="Loft", category="castle")
    assert field_of(exc) == "category"
    prop = Property(id="p", user_id="u", title=" Loft ", category="RESALE")
    assert (prop.title, prop.category) == ("Loft", PropertyCategory.RESALE)


def test_address_one_line_skips_missing_parts() -> None:
    assert Address(street="12 Oak St", city="Austin", state="TX", zip="78701").one_line() == (
        "12 Oak St, Austin, TX 78701"
    )
    assert Address(city="Austin").one_line() == "Austin"
    assert Address().one_line() == ""


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"spend_amount": "-0.01"}, "spend_amount"),
        ({"impressions": -1}, "impressions"),
        ({"clicks": "x"}, "clicks"),
        ({"leads": -3}, "leads"),
        ({"platform": "tiktok"}, "platform"),
        ({"date_recorded": "25/11/2026"}, "date_recorded"),
    ],
)
def test_bad_ad_figures_name_their_field(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {"video_id": "v", "platform": "meta", "date_recorded": "2026-11-25"}
    with pytest.raises(ValidationError) as exc:
        AdInput(**(base | kwargs))  # type: ignore[arg-type]
    assert field_of(exc) == field


def test_ad_input_parses_text() -> None:
    ad = AdInput(video_id="v", platform=" Google ", date_recorded="2026-11-25", spend_amount="12.5")
    assert ad.date_recorded == date(2026, 11, 25)
    assert ad.spend_amount == Decimal("12.50")


def test_page_arithmetic() -> None:
    page = Page(items=[1, 2], total=45, request=PageRequest(number=3, size=20))
    assert (page.pages, page.has_next, page.has_prev) == (3, False, True)
    assert PageRequest(number=2, size=10).offset == 10
    with pytest.raises(ValidationError):
        PageRequest(size=201)
    with pytest.raises(ValidationError):
        PageRequest(number=0)


@pytest.mark.parametrize("count", [0, 1, 3, 4, 7])
def test_every_walks_all_pages_once(count: int) -> None:
    from revideo.domain.page import every

    items = list(range(count))
    asked: list[int] = []

    def fetch(request: PageRequest) -> Page[int]:
        asked.append(request.number)
        return Page(items[request.offset : request.offset + request.size], count, request)

    assert list(every(fetch, size=3)) == items
    assert asked == list(range(1, max(1, -(-count // 3)) + 1))


class TestCheckFolder:
    """Who may write which stored object (design.md §3, as Supabase Storage's policies)."""

    def test_a_user_writes_only_under_their_own_id(self) -> None:
        from revideo.domain.errors import Forbidden
        from revideo.domain.media import check_folder
        from revideo.domain.profile import Actor

        alice = Actor.user("alice-id")
        check_folder(alice, "property-images", "alice-id/p/1.jpg")
        for path in ("bob-id/p/1.jpg", "alice-id", "alice-idx/1.jpg", "/alice-id/1.jpg"):
            with pytest.raises(Forbidden):
                check_folder(alice, "property-images", path)
        with pytest.raises(Forbidden):
            check_folder(Actor.anonymous(), "property-images", "alice-id/p/1.jpg")
        check_folder(Actor.service(), "generated-videos", "bob-id/v.mp4")
