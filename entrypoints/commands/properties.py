"""`revideo properties`: list, show, add, delete properties and add photos."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import attrs
import click

from ._common import (
    acting,
    emit_json,
    friendly,
    json_option,
    services,
    table,
    user_option,
)


@click.group("properties")
def command() -> None:
    """List, add and show properties."""


@command.command("list")
@click.option("--search", default="", help="Text in title, description or address.")
@click.option("--category", type=click.Choice(["residential", "commercial", "resale"]))
@click.option("--city", default="")
@click.option("--page", default=1, show_default=True)
@user_option
@json_option
@friendly
def list_(
    search: str, category: str | None, city: str, page: int, user_email: str | None, as_json: bool
) -> None:
    """List properties, newest first."""
    from revideo.domain.page import PageRequest
    from revideo.domain.property import PropertyCategory
    from revideo.domain.video import parse_enum
    from revideo.ports.repositories import PropertyFilter

    filt = PropertyFilter(
        search, parse_enum("category", PropertyCategory, category) if category else None, city
    )
    found = services().properties.list(acting(user_email), filt, PageRequest(page, 20))
    if as_json:
        emit_json({"total": found.total, "page": page, "items": list(found.items)})
        return
    rows = [(p.id[:8], p.title, p.category, p.address.city, p.specs.price) for p in found.items]
    table(rows, ["id", "title", "category", "city", "price"])
    click.echo(f"page {page} of {found.pages}, {found.total} in all")


@command.command("show")
@click.argument("property_id")
@user_option
@json_option
@friendly
def show(property_id: str, user_email: str | None, as_json: bool) -> None:
    """Show one property and its photos."""
    actor = acting(user_email)
    prop = services().properties.get(actor, _full_id(actor, property_id))
    photos = services().properties.photos(actor, prop.id)
    if as_json:
        emit_json({"property": prop, "photos": list(photos)})
        return
    click.echo(f"{prop.title} ({prop.category.value})  {prop.id}")
    click.echo(f"  address: {prop.address.one_line() or '—'}")
    s = prop.specs
    beds = "—" if s.beds is None else s.beds
    click.echo(f"  price {s.price or '—'}  area {s.area or '—'}")
    click.echo(f"  beds {beds}  baths {s.baths or '—'}")
    click.echo(f"  amenities: {', '.join(s.amenities) or '—'}")
    click.echo(f"  photos: {len(photos)}")


@command.command("add")
@click.option("--title", required=True)
@click.option(
    "--category", required=True, type=click.Choice(["residential", "commercial", "resale"])
)
@click.option("--description", default="")
@click.option("--street", default="")
@click.option("--city", default="")
@click.option("--state", default="")
@click.option("--zip", "zip_", default="")
@click.option("--price")
@click.option("--area", help="Square feet.")
@click.option("--beds", type=int)
@click.option("--baths", help="Whole or half, e.g. 2.5.")
@click.option("--amenity", "amenities", multiple=True, help="Repeat for each amenity.")
@click.option(
    "--photo", "photos", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@user_option
@json_option
@friendly
def add(
    title: str, category: str, description: str, street: str, city: str, state: str, zip_: str,
    price: str | None, area: str | None, beds: int | None, baths: str | None,
    amenities: tuple[str, ...], photos: tuple[Path, ...], user_email: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Add a property (and its photos, in order)."""
    from revideo.domain._checks import build_all
    from revideo.domain.errors import FormErrors
    from revideo.domain.property import Address, PropertyInput, Specs

    errors: dict[str, str] = {}
    parts = (
        (Address, {"street": street, "city": city, "state": state, "zip": zip_}),
        (Specs, {"price": price, "area": area, "beds": beds, "baths": baths,
                 "amenities": amenities}),
        (PropertyInput, {"title": title, "category": category, "description": description}),
    )  # fmt: skip
    built: list[object] = []
    for kind, values in parts:  # every wrong option at once
        try:
            built.append(build_all(kind, **values))
        except FormErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FormErrors(errors)
    address, specs, head = built
    assert isinstance(head, PropertyInput)
    assert isinstance(address, Address) and isinstance(specs, Specs)
    data = attrs.evolve(head, address=address, specs=specs)
    for path in photos:
        _image_type(path)
    actor = acting(user_email)
    prop = services().properties.create(actor, data)
    for path in photos:
        services().properties.add_photo(
            actor, prop.id, path.read_bytes(), _image_type(path), path.name
        )
    emit_json(prop) if as_json else click.echo(f"added {prop.id}  {prop.title}")


@command.command("photo")
@click.argument("property_id")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@user_option
@friendly
def photo(property_id: str, files: tuple[Path, ...], user_email: str | None) -> None:
    """Append photos to a property's gallery."""
    actor = acting(user_email)
    full = _full_id(actor, property_id)
    for path in files:
        media = services().properties.add_photo(
            actor, full, path.read_bytes(), _image_type(path), path.name
        )
        click.echo(f"added {path.name} as photo {media.order + 1}")


@command.command("delete")
@click.argument("property_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@user_option
@friendly
def delete(property_id: str, yes: bool, user_email: str | None) -> None:
    """Delete a property with its photos and videos."""
    actor = acting(user_email)
    prop = services().properties.get(actor, _full_id(actor, property_id))
    if not yes:
        click.confirm(f"Delete '{prop.title}' with its photos and videos?", abort=True)
    services().properties.delete(actor, prop.id)
    click.echo(f"deleted {prop.id}")


def _image_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or ""
    if kind not in ("image/jpeg", "image/png", "image/webp"):
        raise click.BadParameter(
            f"{path.name} is not a JPEG, PNG or WebP image", param_hint="'--photo'"
        )
    return kind


def _full_id(actor, short: str) -> str:  # type: ignore[no-untyped-def]
    """Accept a full id or the 8-character prefix the list shows."""
    if len(short) >= 32:
        return short
    from revideo.domain.errors import NotFound
    from revideo.domain.page import PageRequest
    from revideo.ports.repositories import PropertyFilter

    page = services().properties.list(actor, PropertyFilter(), PageRequest(1, 200))
    matches = [p.id for p in page.items if p.id.startswith(short)]
    if len(matches) != 1:
        raise NotFound("property", short)
    return matches[0]
