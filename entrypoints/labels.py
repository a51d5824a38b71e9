"""The words people see for the fields our errors name (web forms and CLI options)."""

from __future__ import annotations

LABELS = {
    "action": "Action",
    "address.city": "City",
    "address.state": "State",
    "address.street": "Street",
    "address.zip": "ZIP code",
    "aspect_ratio": "Format",
    "avatar_id": "Avatar",
    "by": "Group by",
    "category": "Category",
    "clicks": "Clicks",
    "date_from": "From",
    "date_recorded": "Date",
    "date_to": "To",
    "description": "Description",
    "email": "Email",
    "file": "File",
    "full_name": "Full name",
    "engine_video_id": "Engine video id",
    "impressions": "Impressions",
    "import": "Import",
    "language": "Language",
    "leads": "Leads",
    "mime_type": "File type",
    "page": "Page",
    "password": "Password",
    "password_confirm": "Password again",
    "photo": "Photo",
    "photos": "Photos",
    "platform": "Platform",
    "property_id": "Property",
    "purpose": "Purpose",
    "role": "Role",
    "script": "Script",
    "script_content": "Script",
    "spend_amount": "Spend",
    "specs.amenities": "Amenities",
    "specs.area": "Area",
    "specs.baths": "Baths",
    "specs.beds": "Beds",
    "specs.price": "Price",
    "status": "Status",
    "submission_key": "Form",
    "title": "Title",
    "token": "Link",
    "tone": "Tone",
    "video_id": "Video",
    "voice_id": "Voice",
}
# the CLI's option for a field, where it differs from --<field>
OPTIONS = {
    "specs.price": "--price",
    "specs.area": "--area",
    "specs.beds": "--beds",
    "specs.baths": "--baths",
    "specs.amenities": "--amenities",
    "address.street": "--street",
    "address.city": "--city",
    "address.state": "--state",
    "address.zip": "--zip",
    "script_content": "--script",
    "avatar_id": "--avatar",
    "voice_id": "--voice",
    "aspect_ratio": "--aspect",
    "spend_amount": "--spend",
}


def label_of(field: str) -> str:
    """'specs.price' → 'Price'; an unknown name is made readable ('date_x' → 'Date x')."""
    if field in LABELS:
        return LABELS[field]
    return field.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def option_of(field: str) -> str:
    """'specs.price' → '--price': the CLI option a field's error is about."""
    return OPTIONS.get(field, "--" + field.rsplit(".", 1)[-1].replace("_", "-"))
