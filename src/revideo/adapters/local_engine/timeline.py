"""Pure timing: sentences, caption cues, visual segments and the lower-third band.

Nothing here touches files or libraries; every function is a value in, value out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import attrs

LEAD = 0.6  # silence before the first sentence, under the presenter card
GAP = 0.35  # silence between sentences
TAIL = 1.6  # silence after the last sentence, under the closing card
MIN_PHOTO = 1.5  # shortest time a photo stays on screen


@attrs.frozen
class Cue:
    """One caption: text (already wrapped, lines joined by newlines) and when to show it."""

    start: float
    end: float
    text: str


@attrs.frozen
class Segment:
    """One visual clip of the cross-faded chain.

    `kind` is intro, photo or closing; `index` picks the photo. The clip becomes
    visible at `start` and its stream lasts `length` seconds (it runs on under
    the next cross-fade).
    """

    kind: str
    index: int
    start: float
    length: float


@attrs.frozen
class Band:
    """One stretch of the lower-third: a caption (or none) and the presenter badge."""

    start: float
    length: float
    text: str | None
    badge: bool


@attrs.frozen
class Plan:
    """Where every sentence, clip and caption goes, for a video of `total` seconds."""

    total: float
    sentence_starts: tuple[float, ...]
    segments: tuple[Segment, ...]
    fade: float
    bands: tuple[Band, ...]


def wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy word wrap; words too long for a line (or unspaced scripts) break by character."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if line and not fits(line + ch):
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return lines


def caption_cues(
    sentences: Sequence[tuple[float, float, str]],
    fits: Callable[[str], bool],
    max_lines: int = 2,
) -> list[Cue]:
    """Cut each (start, end, sentence) into cues of at most `max_lines` wrapped lines,
    sharing the sentence's time in proportion to their length."""
    cues: list[Cue] = []
    for start, end, text in sentences:
        lines = wrap(text, fits)
        chunks = ["\n".join(lines[i : i + max_lines]) for i in range(0, len(lines), max_lines)]
        weights = [max(1, len(c)) for c in chunks]
        at = start
        for chunk, weight in zip(chunks, weights, strict=True):
            length = (end - start) * weight / sum(weights)
            cues.append(Cue(at, at + length, chunk))
            at += length
    return cues


def plan(durations: Sequence[float], photo_count: int, cues_for: CueMaker) -> Plan:
    """Lay out the video from the spoken length of each sentence."""
    starts, at = [], LEAD
    for d in durations:
        starts.append(at)
        at += d + GAP
    total = round(at - GAP + TAIL, 3)
    spans = [(s, s + d) for s, d in zip(starts, durations, strict=True)]
    intro, closing = min(2.5, 0.22 * total), min(3.0, 0.25 * total)
    middle = total - intro - closing
    shown = max(1, min(photo_count, int(middle // MIN_PHOTO)))
    per_photo = middle / shown
    fade = round(min(0.5, 0.4 * min(intro, closing, per_photo)), 3)
    segments = [Segment("intro", 0, 0.0, intro + fade)]
    segments += [Segment("photo", i, intro + i * per_photo, per_photo + fade) for i in range(shown)]
    segments.append(Segment("closing", 0, total - closing, closing))
    cues = cues_for(spans)
    return Plan(
        total, tuple(starts), tuple(segments), fade, bands(cues, intro, total - closing, total)
    )


CueMaker = Callable[[list[tuple[float, float]]], list[Cue]]


def bands(
    cues: Sequence[Cue], badge_from: float, badge_to: float, total: float
) -> tuple[Band, ...]:
    """Cover [0, total) with lower-third stretches: merge cue and badge boundaries."""
    cuts = {0.0, total, badge_from, badge_to}
    for c in cues:
        cuts.update((c.start, c.end))
    points = sorted(t for t in cuts if 0.0 <= t <= total)
    out: list[Band] = []
    for a, b in itertools.pairwise(points):
        if b - a < 1e-6:
            continue
        mid = (a + b) / 2
        text = next((c.text for c in cues if c.start <= mid < c.end), None)
        badge = badge_from <= mid < badge_to
        if out and out[-1].text == text and out[-1].badge == badge:
            last = out.pop()
            out.append(attrs.evolve(last, length=b - last.start))
        else:
            out.append(Band(a, b - a, text, badge))
    return tuple(out)
