"""Properties of ad-export reading and mapping: any table, any dialect, same numbers back."""

from __future__ import annotations

import codecs
import csv
import io
import uuid
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from revideo.adapters.ad_exports import (
    ExportRow,
    RowError,
    VideoRef,
    match_rows,
    merge_matches,
    read_export,
)
from revideo.adapters.ad_exports._numbers import NumberStyle, count, number
from revideo.domain.ad_matching import normalise
from revideo.domain.ads import AdPlatform

Row = tuple[date, str, str, Decimal, int, int, int]
Table = list[list[str]]

NAME_CHARS = st.sampled_from(list("abcXYZ019 ,;\"'é-_/()ñç"))
names = st.text(NAME_CHARS, min_size=1, max_size=16).filter(
    lambda s: s.strip() and not s.strip().casefold().startswith("total")
)
money = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2)
counts = st.integers(min_value=0, max_value=10**10)
rows_st = st.lists(
    st.tuples(
        st.dates(date(2024, 1, 1), date(2027, 12, 31)),
        names,
        names,
        money,
        counts,
        counts,
        st.integers(min_value=0, max_value=10**5),
    ),
    max_size=25,
)

# campaign, ad, day, starts, ends, spend, impressions, clicks, leads, results, result type
META_HEADERS = {
    "en": ("Campaign name", "Ad name", "Day", "Reporting starts", "Reporting ends",
           "Amount spent (USD)", "Impressions", "Link clicks", "Leads", "Results", "Result type"),
    "es": ("Nombre de la campaña", "Nombre del anuncio", "Día", "Inicio del informe",
           "Fin del informe", "Importe gastado (USD)", "Impresiones", "Clics en el enlace",
           "Clientes potenciales", "Resultados", "Tipo de resultado"),
    "pt": ("Nome da campanha", "Nome do anúncio", "Dia", "Início dos relatórios",
           "Término dos relatórios", "Valor usado (USD)", "Impressões", "Cliques no link",
           "Leads", "Resultados", "Tipo de resultado"),
    "fr": ("Nom de la campagne", "Nom de la publicité", "Jour", "Début des rapports",
           "Fin des rapports", "Montant dépensé (USD)", "Impressions", "Clics sur un lien",
           "Prospects", "Résultats", "Type de résultat"),
}  # fmt: skip


def fmt_money(value: Decimal, style: str) -> str:
    us = f"{value:,.2f}"
    return {
        "plain": f"{value:.2f}",
        "us": f"${us}",
        "eu": us.translate(str.maketrans(",.", ".,")) + " €",
        "fr": us.replace(",", "\u202f").replace(".", ",") + "\u00a0€",
    }[style]


def fmt_count(value: int, style: str) -> str:
    grouped = f"{value:,}"
    sep = {"plain": None, "us": ",", "eu": ".", "fr": "\u00a0"}[style]
    return str(value) if sep is None else grouped.replace(",", sep)


def meta_table(rows: list[Row], lang: str, style: str, daily: bool, via_results: bool) -> Table:
    h = META_HEADERS[lang]
    dates = [h[2]] if daily else [h[3], h[4]]
    leads = [h[10], h[9]] if via_results else [h[8]]
    table: Table = [[h[0], h[1], *dates, h[5], h[6], h[7], *leads]]
    for day, campaign, ad, spend, impressions, clicks, lead in rows:
        when = [day.isoformat()] if daily else [(day - timedelta(days=6)).isoformat(), str(day)]
        kind = ["Leads"] if via_results else []
        table.append(
            [campaign, ad, *when, fmt_money(spend, style), fmt_count(impressions, style),
             fmt_count(clicks, style), *kind, fmt_count(lead, style)]
        )  # fmt: skip
    return table


def google_table(rows: list[Row], style: str) -> Table:
    table: Table = [["Campaign report"], ["1 January 2024 - 31 December 2027"]]
    table.append(["Campaign", "Ad group", "Day", "Currency code", "Cost", "Impr.", "Clicks",
                  "Conversions"])  # fmt: skip
    for day, campaign, ad, spend, impressions, clicks, lead in rows:
        table.append(
            [campaign, ad, day.isoformat(), "USD", fmt_money(spend, style),
             fmt_count(impressions, style), fmt_count(clicks, style),
             fmt_money(Decimal(lead), style).rstrip(" €\u00a0").lstrip("$")]
        )  # fmt: skip
    table.append(["Total: Account", "", "", "", "0", "0", "0", "0"])  # Campaign column holds it
    return table


def encode(table: Table, delimiter: str, encoding: str) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    data = text.getvalue().encode("utf-16" if encoding == "utf-16" else "utf-8")
    return io.BytesIO((codecs.BOM_UTF8 if encoding == "utf-8-sig" else b"") + data)


dialects = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["en", "es", "pt", "fr", "google"]),
        "style": st.sampled_from(["plain", "us", "eu", "fr"]),
        "daily": st.booleans(),
        "via_results": st.booleans(),
        "delimiter": st.sampled_from([",", "\t", ";"]),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    }
)


@settings(max_examples=150, deadline=None)
@given(rows=rows_st, dialect=dialects)
def test_any_table_in_any_dialect_reads_back_to_the_same_numbers(
    rows: list[Row], dialect: dict[str, Any]
) -> None:
    google = dialect["kind"] == "google"
    table = (
        google_table(rows, dialect["style"])
        if google
        else meta_table(
            rows, dialect["kind"], dialect["style"], dialect["daily"], dialect["via_results"]
        )
    )
    reader = read_export(encode(table, dialect["delimiter"], dialect["encoding"]))
    items = list(reader)
    read_rows = [i for i in items if isinstance(i, ExportRow)]
    assert read_rows == items, [str(i) for i in items if isinstance(i, RowError)]
    assert reader.platform is (AdPlatform.GOOGLE if google else AdPlatform.META)
    got = [
        (r.day, r.campaign, r.ad_set if google else r.ad, r.spend, r.impressions, r.clicks,
         r.leads, r.currency)
        for r in read_rows
    ]  # fmt: skip
    expected = [
        (day, c.strip(), a.strip(), spend, impressions, clicks, Decimal(lead), "USD")
        for day, c, a, spend, impressions, clicks, lead in rows
    ]
    assert got == expected
    lines = [r.line for r in read_rows]
    assert lines == sorted(set(lines))


@given(value=money, style=st.sampled_from(["plain", "us", "eu", "fr"]), known=st.booleans())
def test_money_cells_round_trip(value: Decimal, style: str, known: bool) -> None:
    decimal = {"plain": ".", "us": ".", "eu": ",", "fr": ","}[style] if known else None
    assert number(fmt_money(value, style), NumberStyle(decimal)) == value


@given(value=counts, style=st.sampled_from(["plain", "us", "eu", "fr"]), known=st.booleans())
def test_count_cells_round_trip(value: int, style: str, known: bool) -> None:
    decimal = {"plain": ".", "us": ".", "eu": ",", "fr": ","}[style] if known else None
    assert count(fmt_count(value, style), NumberStyle(decimal)) == value


video_refs = st.lists(
    st.builds(VideoRef, id=st.uuids().map(str), title=names), min_size=1, max_size=6,
    unique_by=lambda v: v.short_id,
)  # fmt: skip


@given(videos=video_refs, data=st.data())
def test_a_name_with_one_short_id_maps_to_that_video(videos: list[VideoRef], data) -> None:  # type: ignore[no-untyped-def]
    target = data.draw(st.sampled_from(videos))
    noise = data.draw(st.sampled_from(["Spring", "tour -", "(", "x_"]))
    row = ExportRow(line=2, platform=AdPlatform.META, day=date(2026, 1, 1),
                    campaign=f"{noise} {target.short_id.upper()} ", ad="")  # fmt: skip
    [match] = match_rows([row], videos)
    assert match.video_id == target.id


@given(videos=video_refs, name=names)
def test_names_without_reference_or_title_stay_unmapped(videos: list[VideoRef], name: str) -> None:
    titles = {normalise(v.title) for v in videos}
    row = ExportRow(line=2, platform=AdPlatform.META, day=date(2026, 1, 1), campaign=name)
    [match] = match_rows([row], videos)
    if normalise(name) not in titles and not any(v.short_id in name for v in videos):
        assert match.video_id is None and match.reason


@given(videos=video_refs, data=st.data())
def test_merging_keeps_every_total_and_one_row_per_key(videos: list[VideoRef], data) -> None:  # type: ignore[no-untyped-def]
    picks = data.draw(st.lists(st.tuples(st.sampled_from(videos), st.integers(0, 3), money,
                                         counts), max_size=30))  # fmt: skip
    rows = [
        ExportRow(line=i + 2, platform=AdPlatform.META, day=date(2026, 1, 1 + d),
                  campaign=f"c {v.short_id}", spend=s, clicks=c)
        for i, (v, d, s, c) in enumerate(picks)
    ]  # fmt: skip
    merged, errors = merge_matches(match_rows(rows, videos))
    assert errors == []
    assert sum(m.spend for m in merged) == sum(r.spend or 0 for r in rows)
    assert sum(m.clicks for m in merged) == sum(r.clicks or 0 for r in rows)
    assert Counter(m.key for m in merged).most_common(1)[0][1] == 1 if merged else True
    assert sum(m.rows for m in merged) == len(rows)
    assert {(m.video_id, m.key.day) for m in merged} == {
        (v.id, date(2026, 1, 1 + d)) for v, d, _, _ in picks
    }


def test_uuid_short_id_is_first_eight_hex() -> None:
    u = uuid.UUID("12345678-9abc-4def-8123-456789abcdef")
    assert VideoRef(id=str(u), title="t").short_id == "12345678"
