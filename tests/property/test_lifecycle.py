"""The video lifecycle of design.md §4 as a Hypothesis state machine.

The expected transitions are written out here from the diagram in design.md §4,
not imported from the domain, so a wrong edge in the code fails the test.
"""

from __future__ import annotations

from datetime import UTC, datetime

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from revideo.domain.errors import InvalidTransition
from revideo.domain.video import EngineReport, Video, VideoStatus

REPORTED = [VideoStatus.PENDING, VideoStatus.PROCESSING, VideoStatus.COMPLETED, VideoStatus.FAILED]
RANK = {"draft": 0, "pending": 1, "processing": 2, "completed": 3, "failed": 3}

# (status, command) -> status after it; any pair not listed is an InvalidTransition.
COMMANDS = {
    ("draft", "edit"): "draft",
    ("failed", "edit"): "failed",
    ("draft", "submit"): "pending",
    ("failed", "retry"): "pending",
    ("pending", "give_up"): "failed",
    ("processing", "give_up"): "failed",
    ("completed", "archive"): "completed",
    ("draft", "delete"): "draft",
    ("completed", "delete"): "completed",
    ("failed", "delete"): "failed",
}
# Where a report about the current render moves an in-flight video.
FORWARD = {
    "pending": {"processing", "completed", "failed"},
    "processing": {"completed", "failed"},
}
AT = datetime(2026, 12, 1, tzinfo=UTC)


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.video = Video(
            id="v1",
            user_id="u1",
            property_id="p1",
            title="Loft",
            script_content="Hello",
            avatar_id="a",
            voice_id="b",
        )
        self.engine_ids: list[str] = []
        self.completed_once = False

    def _command(self, name: str, action) -> None:  # type: ignore[no-untyped-def]
        before = self.video
        expected = COMMANDS.get((before.status.value, name))
        try:
            result = action()
        except InvalidTransition as exc:
            assert expected is None, f"{name} refused in {before.status.value}"
            assert exc.current == before.status.value and exc.wanted == name
            assert self.video is before
        else:
            assert expected is not None, f"{name} accepted in {before.status.value}"
            if result is not None:  # delete only checks; the row goes elsewhere
                assert result.status.value == expected
                self.video = result

    @rule(data=st.data())
    def submit_or_retry(self, data: st.DataObject) -> None:
        engine_id = f"e{len(self.engine_ids) + 1}"
        command = data.draw(st.sampled_from(["submit", "retry"]))
        before = self.video
        self._command(command, lambda: getattr(before, command)(engine_id))
        if self.video is not before:
            self.engine_ids.append(engine_id)
            assert self.video.status is VideoStatus.PENDING
            assert self.video.attempt_count == before.attempt_count + 1
            assert self.video.video_url is None and self.video.error_message is None

    @rule(
        title=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=20).filter(
            str.strip
        )
    )
    def edit(self, title: str) -> None:
        before = self.video
        self._command("edit", lambda: before.edit(title=title))
        if self.video is not before:
            assert self.video.title == title.strip()
            assert self.video.status is before.status

    @rule()
    def give_up(self) -> None:
        before = self.video
        self._command("give_up", lambda: before.give_up("stuck"))
        if self.video is not before:
            assert self.video.status is VideoStatus.FAILED

    @rule()
    def delete(self) -> None:
        self._command("delete", self.video.check_deletable)

    @rule()
    def archive(self) -> None:
        before = self.video
        self._command("archive", lambda: before.archive("https://ours/v.mp4", None, AT))
        if self.video is not before:
            assert self.video.archived_at == AT and self.video.video_url == "https://ours/v.mp4"

    @rule(status=st.sampled_from(REPORTED), which=st.integers(0, 5), dup=st.booleans())
    def engine_report(self, status: VideoStatus, which: int, dup: bool) -> None:
        ids = [*self.engine_ids, "foreign"]
        report = EngineReport(
            ids[which % len(ids)], status, video_url="https://x/v.mp4", duration=3.0
        )
        before = self.video
        after = before.observe(report)
        if dup:
            assert after.observe(report) == after, "a duplicated report changes nothing"
        current = report.engine_video_id == before.engine_video_id
        if current and status.value in FORWARD.get(before.status.value, ()):
            assert after.status is status, (before.status, status)
        else:
            assert after == before, "stale, foreign or backward reports change nothing"
        assert RANK[after.status.value] >= RANK[before.status.value], "observations are monotonic"
        if before.status is VideoStatus.COMPLETED:
            assert after == before
        self.video = after
        if after.status is VideoStatus.COMPLETED and before.status is not VideoStatus.COMPLETED:
            self.completed_once = True
            assert after.video_url == "https://x/v.mp4" and after.meta.duration == 3.0

    @invariant()
    def completed_never_regresses(self) -> None:
        if self.completed_once:
            assert self.video.status is VideoStatus.COMPLETED

    @invariant()
    def engine_id_exists_iff_the_video_left_draft(self) -> None:
        assert (self.video.engine_video_id is None) == (self.video.status is VideoStatus.DRAFT)

    @invariant()
    def attempts_match_accepted_renders(self) -> None:
        assert self.video.attempt_count == len(self.engine_ids)


Lifecycle.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestLifecycle = Lifecycle.TestCase
