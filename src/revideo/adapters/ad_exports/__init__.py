"""
Reading Meta Ads Manager and Google Ads report files, and mapping their rows to videos.

`read_export(stream)` streams a CSV/TSV/XLSX export into `ExportRow`s and `RowError`s;
`match_rows` maps rows to the user's videos; `mapped` turns a mapped row into the `MappedAd`
a repository's merge takes (PostgreSQL sums rows sharing a natural key in SQL);
`merge_matches`/`merge_mapped` sum them in memory; `to_ad_input` builds the domain's `AdInput`.
"""

from revideo.adapters.ad_exports.reader import ExportReader, read_export
from revideo.domain.ad_matching import (
    MatchedBy,
    MergedAd,
    NaturalKey,
    RowMatch,
    VideoRef,
    mapped,
    match_rows,
    merge_mapped,
    merge_matches,
    to_ad_input,
)
from revideo.domain.ad_rows import ExportRow, MappedAd, RowError, UnreadableExport

__all__ = [
    "ExportReader",
    "ExportRow",
    "MappedAd",
    "MatchedBy",
    "MergedAd",
    "NaturalKey",
    "RowError",
    "RowMatch",
    "UnreadableExport",
    "VideoRef",
    "mapped",
    "match_rows",
    "merge_mapped",
    "merge_matches",
    "read_export",
    "to_ad_input",
]
