"""Posted form values → domain inputs; the domain's ValidationError names the field."""

from __future__ import annotations

from collections.abc import Mapping

from revideo.domain._checks import build_all
from revideo.domain.errors import FormErrors, ValidationError
from revideo.domain.property import Address, PropertyCategory, PropertyInput, Specs

BASICS = ("title", "category", "description")
ADDRESS = ("address.street", "address.city", "address.state", "address.zip")
SPECS = ("specs.price", "specs.area", "specs.beds", "specs.baths", "specs.amenities")
PROPERTY_FIELDS = BASICS + ADDRESS + SPECS
CATEGORIES = [(c.value, c.value.capitalize()) for c in PropertyCategory]
_LIMITS = {"description": 5000, "specs.amenities": 5000}


def pick(form: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The named fields of a form, trimmed; too-long values are refused by name (all at once)."""
    values, errors = {}, {}
    for name in names:
        value = str(form.get(name, "") or "")
        limit = _LIMITS.get(name, 500)
        if len(value) > limit:
            errors[name] = f"is too long: at most {limit} characters"
        values[name] = value.strip()
    if errors:
        raise FormErrors(errors)
    return values


def address(values: Mapping[str, str]) -> Address:
    return build_all(Address, **{n.split(".", 1)[1]: values.get(n, "") for n in ADDRESS})


def specs(values: Mapping[str, str]) -> Specs:
    amenities = [a for a in values.get("specs.amenities", "").replace("\n", ",").split(",")]
    return build_all(
        Specs,
        price=values.get("specs.price", ""),
        area=values.get("specs.area", ""),
        beds=values.get("specs.beds", ""),
        baths=values.get("specs.baths", ""),
        amenities=[a.strip() for a in amenities if a.strip()],
    )


def basics(values: Mapping[str, str]) -> PropertyInput:
    return build_all(
        PropertyInput,
        title=values.get("title", ""),
        category=values.get("category", ""),
        description=values.get("description", ""),
    )


def property_input(values: Mapping[str, str]) -> PropertyInput:
    """A whole PropertyInput from flat form values (every wrong field reported at once)."""
    errors: dict[str, str] = {}
    parts: list[object] = []
    for part in (basics, address, specs):
        try:
            parts.append(part(values))
        except FormErrors as exc:
            errors.update(exc.errors)
        except ValidationError as exc:
            errors[exc.field] = exc.message
    if errors:
        raise FormErrors(errors)
    head = basics(values)
    return PropertyInput(
        title=head.title,
        category=head.category,
        description=head.description,
        address=address(values),
        specs=specs(values),
    )


def property_values(prop: object) -> dict[str, str]:
    """A property as flat form values (for the edit form)."""
    a, s = prop.address, prop.specs  # type: ignore[attr-defined]
    return {
        "title": prop.title,  # type: ignore[attr-defined]
        "category": prop.category.value,  # type: ignore[attr-defined]
        "description": prop.description,  # type: ignore[attr-defined]
        "address.street": a.street,
        "address.city": a.city,
        "address.state": a.state,
        "address.zip": a.zip,
        "specs.price": "" if s.price is None else f"{s.price}",
        "specs.area": "" if s.area is None else f"{s.area}",
        "specs.beds": "" if s.beds is None else str(s.beds),
        "specs.baths": "" if s.baths is None else f"{s.baths}",
        "specs.amenities": ", ".join(s.amenities),
    }
