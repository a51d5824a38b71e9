"""
Mapping export rows to a user's videos, merging rows per natural key, building AdInput. Pure.

A row maps to a video, in this order:
1. an explicit choice: `choices` maps an ad, ad set or campaign name (case-insensitive,
   trimmed) to a video id, as picked by the user in a preview;
2. a video reference in the ad name, else the ad set name, else the campaign name: the video's
   full uuid or its short id (first 8 hex digits) as a separate token, e.g. `Spring rv-1a2b3c4d`;
3. the title of the ad, else ad set, else campaign name, compared as normalised text
   (`normalise`: case, accents, dashes, quotes and spaces do not matter), so an ad typed
   `Sunny loft - video tour` matches the title `Sunny Loft — video tour`.
A name that refers to several videos (several references, a short id two videos share, a title
two videos share) leaves the row unmapped with the reason and the candidates, for the user to
choose; nothing is ever guessed.

Key: (platform, source ad, day) (see AdSource.key). Rows of one file with the same key (a
report broken down by device or age) are summed: a repository's merge does it on the
`MappedAd`s it is given (PostgreSQL in SQL; `merge_mapped` here for the others). Different
ads of one video on one day are different keys: each is kept, and analytics add them up.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from revideo.domain.ad_rows import AdSource, ExportRow, MappedAd, RowError
from revideo.domain.ads import MAX_SPEND, AdInput, AdPlatform
from revideo.domain.errors import ValidationError

_REFERENCE = re.compile(
    r"(?<![0-9a-z])[0-9a-f]{8}(?:-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?(?![0-9a-z])",
    re.IGNORECASE,
)
_CACHE_SIZE = 10_000
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
ERRORS_KEPT = 200  # how many row errors a merge or a preview lists (all are counted)


def _short(video_id: str) -> str:
    return video_id.replace("-", "")[:8].lower()


def short_ref(video_id: str) -> str:
    """The short reference to put in an ad name so its rows find the video: `rv-1a2b3c4d`."""
    return f"rv-{_short(video_id)}"


_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
# quotes of any kind are left out: `"Élysée"`, `« Élysée »` and `Élysée` compare equal
_QUOTES = dict.fromkeys(
    map(
        ord,
        "'\"\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a",
    )
)
_SPACES = re.compile(r"\s+")
_AROUND_DASH = re.compile(r"\s*-\s*")


def normalise(text: str) -> str:
    """Text as names are compared: accents, case, dash and quote kinds and spacing ignored."""
    text = unicodedata.normalize("NFKD", text.translate(_DASHES).translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().casefold()
    return _AROUND_DASH.sub(" - ", text)


@attrs.frozen
class VideoRef:
    """What mapping needs to know of one of the user's videos."""

    id: str
    title: str
    short_id: str = attrs.field(
        default=attrs.Factory(lambda self: _short(self.id), takes_self=True)
    )


class MatchedBy(enum.Enum):
    CHOICE = "choice"
    REFERENCE = "reference"
    TITLE = "title"


@attrs.frozen
class RowMatch:
    """An export row and the video it maps to; `video_id` None means unmapped (see reason)."""

    row: ExportRow
    video_id: str | None
    matched_by: MatchedBy | None = None
    reason: str = ""
    candidates: tuple[str, ...] = ()  # the videos an ambiguous name refers to, sorted


def _key(text: str) -> str:
    return normalise(text)


_Found = tuple[str | None, MatchedBy | None, str, tuple[str, ...]]


class _Index:
    def __init__(self, videos: Sequence[VideoRef], choices: Mapping[str, str]) -> None:
        self.ids = {v.id.lower(): v.id for v in videos}
        self.short: dict[str, set[str]] = {}
        self.titles: dict[str, set[str]] = {}
        for v in videos:
            self.short.setdefault(v.short_id.lower(), set()).add(v.id)
            self.titles.setdefault(_key(v.title), set()).add(v.id)
        for name, video_id in choices.items():
            if video_id not in {v.id for v in videos}:
                raise ValidationError("choices", f"{name!r}: {video_id} is not one of the videos")
        self.choices = {_key(name): video_id for name, video_id in choices.items()}

    def references(self, text: str) -> set[str]:
        found: set[str] = set()
        for token in _REFERENCE.findall(text):
            token = token.lower()
            found |= {self.ids[token]} if len(token) > 8 and token in self.ids else set()
            found |= self.short.get(token[:8], set()) if len(token) == 8 else set()
        return found

    def match(self, names: tuple[str, str, str]) -> _Found:
        labels = ("ad name", "ad set name", "campaign name")
        for name in names:
            if name and _key(name) in self.choices:
                return self.choices[_key(name)], MatchedBy.CHOICE, "", ()
        for label, name in zip(labels, names, strict=True):
            found = self.references(name) if name else set()
            if len(found) == 1:
                return found.pop(), MatchedBy.REFERENCE, "", ()
            if found:
                return (
                    None,
                    None,
                    f"the {label} refers to {len(found)} videos",
                    tuple(sorted(found)),
                )
        for label, name in zip(labels, names, strict=True):
            found = self.titles.get(_key(name), set()) if name else set()
            if len(found) == 1:
                return next(iter(found)), MatchedBy.TITLE, "", ()
            if found:
                why = f"{len(found)} videos are titled like the {label}"
                return None, None, why, tuple(sorted(found))
        return None, None, "no video reference or video title in the ad or campaign name", ()


def match_rows(
    rows: Iterable[ExportRow], videos: Sequence[VideoRef], choices: Mapping[str, str] | None = None
) -> Iterator[RowMatch]:
    """Map each row to one of `videos` (see the module doc); lazily, in order."""
    index = _Index(videos, choices or {})
    return _matches(rows, index)


def _matches(rows: Iterable[ExportRow], index: _Index) -> Iterator[RowMatch]:
    cache: dict[tuple[str, str, str], _Found] = {}
    for row in rows:
        names = (row.ad, row.ad_set, row.campaign)
        found = cache.get(names)
        if found is None:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            found = cache[names] = index.match(names)
        yield RowMatch(row, *found)


@attrs.frozen
class NaturalKey:
    """What makes an imported row unique (for one user): platform, source ad, day."""

    platform: AdPlatform
    source_key: str
    day: date


@attrs.frozen
class MergedAd:
    """The summed figures of every row of one file with the same natural key."""

    key: NaturalKey
    video_id: str
    source: AdSource
    spend: Decimal
    impressions: int
    clicks: int
    leads: Decimal
    currency: str | None
    first_line: int
    rows: int = 1


def mapped(match: RowMatch) -> MappedAd:
    """The figures of a mapped row as a merge takes them (blank metrics as 0)."""
    if match.video_id is None:
        raise ValidationError("video_id", f"line {match.row.line} is not mapped to a video")
    row = match.row
    return MappedAd(
        row.line, match.video_id, row.platform, row.day, row.spend or _ZERO,
        row.impressions or 0, row.clicks or 0, row.leads or _ZERO, row.currency,
        AdSource.of(row),
    )  # fmt: skip


def merge_matches(matches: Iterable[RowMatch]) -> tuple[list[MergedAd], list[RowError]]:
    """Sum mapped rows per natural key (unmapped rows are ignored); see `sum_mapped`."""
    return sum_mapped(mapped(m) for m in matches if m.video_id is not None)


def sum_mapped(rows: Iterable[MappedAd]) -> tuple[list[MergedAd], list[RowError]]:
    """Sum rows per natural key, in first-seen order.

    A row whose currency differs from the first one given for its key, or that maps the
    same source ad to another video, is not added: it comes back as a RowError. Memory grows
    with the number of keys (ads x days), not rows.
    """
    sums: dict[NaturalKey, _Sum] = {}
    errors: list[RowError] = []
    for row in rows:
        key = NaturalKey(row.platform, row.ad_source.key, row.day)
        seen = sums.get(key)
        if seen is None:
            sums[key] = _Sum(row)
        elif row.currency and seen.currency and row.currency != seen.currency:
            errors.append(currency_conflict(row.line, row.currency, seen.currency, seen.at))
        elif row.video_id != seen.video_id:
            errors.append(video_conflict(row.line, seen.first_line))
        else:
            seen.add(row)
    return [s.merged(key) for key, s in sums.items()], errors


@attrs.frozen
class StagedAd:
    """One key's summed, rounded, validated figures, ready to be stored."""

    line: int
    source: AdSource
    data: AdInput

    @property
    def source_key(self) -> str:
        return self.source.key


def merge_mapped(rows: Iterable[MappedAd]) -> tuple[list[StagedAd], list[RowError]]:
    """Sum rows per key and build each key's AdInput; errors come sorted by line.

    What a repository without SQL does in a merge: a currency or video conflict leaves the
    row out, a key whose sums are out of range (e.g. spend beyond numeric(10,2)) is left out
    whole.
    """
    merged, errors = sum_mapped(rows)
    staged: list[StagedAd] = []
    for item in merged:
        try:
            staged.append(StagedAd(item.first_line, item.source, to_ad_input(item)))
        except ValidationError as e:
            errors.append(RowError(item.first_line, e.field, e.message))
    return staged, sorted(errors, key=lambda e: e.line)


def currency_conflict(line: int, currency: str, first: str, first_line: int) -> RowError:
    """The error for a row whose currency differs from its key's (the first one given)."""
    return RowError(line, "currency", f"{currency} differs from {first} on line {first_line}")


def video_conflict(line: int, first_line: int) -> RowError:
    """The error for a row that maps an ad and day to another video than an earlier row."""
    return RowError(
        line, "video", f"the same ad and day went to another video on line {first_line}"
    )


class _Sum:
    """Running totals for one key (mutable, private: cheaper than evolving a frozen value)."""

    def __init__(self, row: MappedAd) -> None:
        self.video_id, self.source = row.video_id, row.ad_source
        self.spend, self.leads = row.spend, row.leads
        self.impressions, self.clicks = row.impressions, row.clicks
        self.currency, self.first_line, self.rows = row.currency, row.line, 1
        self.at = row.line  # where the key's currency was first given

    def add(self, row: MappedAd) -> None:
        self.spend += row.spend
        self.impressions += row.impressions
        self.clicks += row.clicks
        self.leads += row.leads
        self.rows += 1
        if self.currency is None and row.currency:
            self.currency, self.at = row.currency, row.line

    def merged(self, key: NaturalKey) -> MergedAd:
        return MergedAd(
            key, self.video_id, self.source, self.spend, self.impressions, self.clicks,
            self.leads, self.currency, self.first_line, self.rows,
        )  # fmt: skip


def to_ad_input(item: MergedAd | RowMatch) -> AdInput:
    """The domain's AdInput for merged figures or one mapped row (validated by AdInput).

    Spend is rounded half-even to cents and leads (Google's fractional conversions) to a
    whole number; blank metrics count as 0.
    """
    if isinstance(item, RowMatch):
        row = mapped(item)
        item = _Sum(row).merged(NaturalKey(row.platform, row.ad_source.key, row.day))
    spend = item.spend
    if spend <= MAX_SPEND:  # larger: AdInput names the field; quantize could overflow
        spend = spend.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    return AdInput(
        video_id=item.video_id,
        platform=item.key.platform,
        date_recorded=item.key.day,
        spend_amount=spend,
        impressions=item.impressions,
        clicks=item.clicks,
        leads=int(item.leads.to_integral_value(rounding=ROUND_HALF_EVEN)),
    )
