"""Rules of the pure timing code: sentences, wrapping, cues, segments and bands."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from revideo.adapters.local_engine import timeline
from revideo.adapters.local_engine.timeline import Cue
from revideo.domain.scripts import split_sentences

durations = st.lists(st.floats(min_value=0.2, max_value=12.0), min_size=1, max_size=12)
words = st.lists(st.text(alphabet="abcdefghijé日本", min_size=1, max_size=14), min_size=1)


def fits(limit: int):  # type: ignore[no-untyped-def]
    return lambda s: len(s) <= limit


class TestSentences:
    def test_splits_latin_and_cjk_and_drops_empty_parts(self) -> None:
        text = "Hello there! Is it big?  Yes.\n\nКрасивый дом. 日本の家です。広い庭。 ..."
        assert split_sentences(text) == [
            "Hello there!",
            "Is it big?",
            "Yes.",
            "Красивый дом.",
            "日本の家です。",
            "広い庭。",
        ]


class TestWrap:
    @given(words, st.integers(min_value=1, max_value=30))
    def test_every_line_fits_and_no_character_is_lost(self, ws: list[str], limit: int) -> None:
        text = " ".join(ws)
        lines = timeline.wrap(text, fits(limit))
        assert all(len(line) <= limit for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")

    def test_keeps_words_whole_when_they_fit(self) -> None:
        assert timeline.wrap("a bright family home", fits(12)) == ["a bright", "family home"]


class TestCaptionCues:
    @given(st.lists(words, min_size=1, max_size=5), st.integers(min_value=5, max_value=40))
    def test_cues_tile_each_sentence_in_order(self, sentences: list[list[str]], limit: int) -> None:
        spans, at = [], 0.5
        for ws in sentences:
            spans.append((at, at + 1 + len(ws) / 3, " ".join(ws)))
            at = spans[-1][1] + 0.3
        cues = timeline.caption_cues(spans, fits(limit), max_lines=2)
        for start, end, text in spans:
            mine = [c for c in cues if start - 1e-9 <= c.start < end]
            assert math.isclose(mine[0].start, start) and math.isclose(mine[-1].end, end)
            assert all(math.isclose(a.end, b.start) for a, b in itertools.pairwise(mine))
            assert all(c.text.count("\n") <= 1 for c in mine)
            joined = "".join(c.text for c in mine).replace("\n", "").replace(" ", "")
            assert joined == text.replace(" ", "")


class TestPlan:
    @given(durations, st.integers(min_value=0, max_value=20))
    def test_clips_chain_to_the_narration_length(self, ds: list[float], photos: int) -> None:
        plan = timeline.plan(ds, max(1, photos), lambda spans: [])
        segs = plan.segments
        assert segs[0].kind == "intro" and segs[-1].kind == "closing"
        shown = [s for s in segs if s.kind == "photo"]
        assert [s.index for s in shown] == list(range(len(shown)))
        assert 1 <= len(shown) <= max(1, photos)
        chain = sum(s.length for s in segs) - plan.fade * (len(segs) - 1)
        assert math.isclose(chain, plan.total, abs_tol=1e-6)
        starts = [s.start for s in segs]
        assert starts == sorted(starts) and plan.fade > 0
        assert all(s.length > plan.fade for s in segs)
        last_word = plan.sentence_starts[-1] + ds[-1]
        assert math.isclose(plan.total, last_word + timeline.TAIL, abs_tol=1e-3)

    @given(durations)
    def test_bands_cover_the_video_and_show_each_cue(self, ds: list[float]) -> None:
        def cues(spans: list[tuple[float, float]]) -> list[Cue]:
            return [Cue(a, b, f"s{i}") for i, (a, b) in enumerate(spans)]

        plan = timeline.plan(ds, 3, cues)
        assert plan.bands[0].start == 0.0
        for a, b in zip(plan.bands, plan.bands[1:], strict=False):
            assert math.isclose(a.start + a.length, b.start)
            assert (a.text, a.badge) != (b.text, b.badge)
        end = plan.bands[-1].start + plan.bands[-1].length
        assert math.isclose(end, plan.total)
        assert {b.text for b in plan.bands} - {None} == {f"s{i}" for i in range(len(ds))}
        assert not plan.bands[0].badge and not plan.bands[-1].badge
