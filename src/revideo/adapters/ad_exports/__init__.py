"""
Reading Meta Ads Manager and Google Ads report files, and mapping their rows to videos.

`read_export(stream)` streams a CSV/TSV/XLSX export into `ExportRow`s and `RowError`s;
`match_rows` maps rows to the user's videos; `merge_matches` sums rows sharing a natural key
(platform, video, day); `to_ad_input` builds the domain's `AdInput`.
"""

from revideo.adapters.ad_exports.reader import ExportReader, read_export
from revideo.domain.ad_matching import (
    MatchedBy,
    MergedAd,
    NaturalKey,
    RowMatch,
    VideoRef,
    match_rows,
    merge_matches,
    to_ad_input,
)
from revideo.domain.ad_rows import ExportRow, RowError, UnreadableExport

__all__ = [
    "ExportReader",
    "ExportRow",
    "MatchedBy",
    "MergedAd",
    "NaturalKey",
    "RowError",
    "RowMatch",
    "UnreadableExport",
    "VideoRef",
    "match_rows",
    "merge_matches",
    "read_export",
    "to_ad_input",
]
