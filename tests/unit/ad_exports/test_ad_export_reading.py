"""Reading export files in every variant ad-exports.md documents (files built here)."""

from __future__ import annotations

import codecs
import io
from datetime import date
from decimal import Decimal

import pytest

from revideo.adapters.ad_exports import (
    ExportReader,
    ExportRow,
    RowError,
    UnreadableExport,
    read_export,
)
from revideo.domain.ads import AdPlatform

D = Decimal


def export(text: str, encoding: str = "utf-8", bom: bool = False) -> io.BytesIO:
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    return io.BytesIO(data)


def read(
    stream: io.BytesIO, platform: AdPlatform | None = None
) -> tuple[ExportReader, list[ExportRow | RowError]]:
    reader = read_export(stream, platform)
    return reader, list(reader)


def only_rows(items: list[ExportRow | RowError]) -> list[ExportRow]:
    rows = [i for i in items if isinstance(i, ExportRow)]
    assert rows == items, [str(i) for i in items]
    return rows


META_EN = (
    "Campaign name,Ad set name,Ad name,Day,Reach,Impressions,Frequency,Result type,Results,"
    "Amount spent (USD),Cost per result,Link clicks,Reporting starts,Reporting ends\n"
    "Seaside villa rv-1a2b3c4d,Broad,Tour A,2026-02-02,900,1200,1.33,Leads,4,1474.71,368.68,"
    "35,2026-02-02,2026-02-02\n"
    'Seaside villa rv-1a2b3c4d,Broad,Tour B,2026-02-03,800,"1,050",1.31,Link clicks,22,'
    "12.50,0.57,22,2026-02-03,2026-02-03\n"
)


class TestEncodings:
    @pytest.mark.parametrize("bom", [False, True])
    def test_utf8_with_and_without_bom_reads_the_same_rows(self, bom: bool) -> None:
        reader, items = read(export(META_EN, bom=bom))
        rows = only_rows(items)
        assert reader.encoding == "utf-8-sig"
        assert reader.columns["campaign"] == "Campaign name"  # no BOM glued to the name
        assert [(r.line, r.day, r.spend, r.impressions, r.clicks) for r in rows] == [
            (2, date(2026, 2, 2), D("1474.71"), 1200, 35),
            (3, date(2026, 2, 3), D("12.50"), 1050, 22),
        ]

    def test_utf16_le_with_bom_tab_separated(self) -> None:
        text = META_EN.replace(",", "\t").replace('"1\t050"', "1,050")
        reader, items = read(export(text, encoding="utf-16"))
        assert reader.encoding == "utf-16" and reader.delimiter == "\t"
        assert [r.impressions for r in only_rows(items)] == [1200, 1050]

    def test_utf16_without_bom_is_recognised(self) -> None:
        reader, items = read(export(META_EN, encoding="utf-16-le"))
        assert reader.encoding == "utf-16-le"
        assert [r.spend for r in only_rows(items)] == [D("1474.71"), D("12.50")]

    def test_windows_1252_falls_back_instead_of_crashing(self) -> None:
        text = META_EN.replace("Seaside villa", "Villa Peñón")
        _, items = read(export(text, encoding="cp1252"))
        assert only_rows(items)[0].campaign == "Villa Peñón rv-1a2b3c4d"

    def test_semicolon_separated_excel_csv(self) -> None:
        text = "Campaign name;Day;Amount spent (EUR);Impressions\nA;2026-02-01;1.234,50;1.000\n"
        _, items = read(export(text))
        assert [(r.spend, r.impressions, r.currency) for r in only_rows(items)] == [
            (D("1234.50"), 1000, "EUR")
        ]


GOOGLE_UTF16 = (
    "Campaign report\n"
    "1 February 2026 - 28 February 2026\n"
    "Day\tCampaign\tAd group\tCampaign type\tCurrency code\tCost\tImpr.\tClicks\tCTR\t"
    "Avg. CPC\tConversions\n"
    "2026-02-01\tVilla tour 1a2b3c4d\tGroup 1\tVideo\tUSD\t$1,234.56\t12,345\t1,234\t10.00%"
    "\t$1.00\t3.00\n"
    "2026-02-01\tVilla search\tGroup 2\tSearch\tUSD\t$10.00\t--\t\t--\t--\t1.50\n"
    "Total: Search\t\t\t\t\t$10.00\t0\t0\t\t\t1.50\n"
    "Total: Account\t\t\t\t\t$1,244.56\t12,345\t1,234\t\t\t4.50\n"
)


class TestGoogle:
    def test_utf16_tab_export_with_title_range_and_totals(self) -> None:
        reader, items = read(export(GOOGLE_UTF16, encoding="utf-16"))
        rows = only_rows(items)
        assert (reader.platform, reader.header_line, reader.delimiter) == (
            AdPlatform.GOOGLE, 3, "\t",
        )  # fmt: skip
        assert [(r.line, r.platform, r.campaign, r.ad_set) for r in rows] == [
            (4, AdPlatform.YOUTUBE, "Villa tour 1a2b3c4d", "Group 1"),
            (5, AdPlatform.GOOGLE, "Villa search", "Group 2"),
        ]
        assert [(r.spend, r.impressions, r.clicks, r.leads, r.currency) for r in rows] == [
            (D("1234.56"), 12345, 1234, D("3.00"), "USD"),
            (D("10.00"), None, None, D("1.50"), "USD"),
        ]

    def test_explicit_platform_applies_to_every_row(self) -> None:
        _, items = read(export(GOOGLE_UTF16, encoding="utf-16"), AdPlatform.GOOGLE)
        assert {r.platform for r in only_rows(items)} == {AdPlatform.GOOGLE}
        _, items = read(export(GOOGLE_UTF16, encoding="utf-16"), AdPlatform.YOUTUBE)
        assert {r.platform for r in only_rows(items)} == {AdPlatform.YOUTUBE}

    def test_decimal_comma_locale(self) -> None:
        text = (
            "Rapport de campagne\n1 févr. 2026 - 28 févr. 2026\n"
            "Jour\tCampagne\tCode de la devise\tCoût\tImpr.\tClics\tCTR\tConversions\n"
            "2026-02-01\tVilla\tEUR\t1 234,56 €\t12.345\t1.234\t3,45 %\t1,50\n"
            "2026-02-02\tVilla\tEUR\t0,5\t1.000\t7\t0,70 %\t0\n"
        )
        reader, items = read(export(text, encoding="utf-16"))
        assert reader.platform is AdPlatform.GOOGLE
        assert [(r.spend, r.impressions, r.clicks, r.leads) for r in only_rows(items)] == [
            (D("1234.56"), 12345, 1234, D("1.50")),
            (D("0.5"), 1000, 7, D("0")),
        ]

    def test_aggregated_report_takes_its_day_from_the_date_range_line(self) -> None:
        text = (
            "Campaign report\n"
            '"February 1, 2026 - February 28, 2026"\n'
            "Campaign,Cost,Impr.,Clicks,Conversions\n"
            'Villa,"1,000.00","2,000",30,2\n'
            'Total: Account,"1,000.00","2,000",30,2\n'
        )
        _, items = read(export(text))
        [row] = only_rows(items)
        assert (row.day, row.period_start, row.spend) == (
            date(2026, 2, 28), date(2026, 2, 1), D("1000.00"),
        )  # fmt: skip


def meta_row(header: str, cells: str, **expected: object) -> None:
    reader, items = read(export(header + "\n" + cells + "\n"))
    [row] = only_rows(items)
    assert reader.platform is AdPlatform.META
    for name, value in expected.items():
        assert getattr(row, name) == value, name


class TestMetaLocalised:
    def test_spanish_daily_with_results_as_leads(self) -> None:
        meta_row(
            "Nombre de la campaña,Nombre del anuncio,Día,Impresiones,Alcance,Frecuencia,"
            "Tipo de resultado,Resultados,Importe gastado (ARS),Clics en el enlace,"
            "Inicio del informe,Fin del informe",
            "Casa 1a2b3c4d,Anuncio 1,2026-02-05,1000,800,1.25,Clientes potenciales,6,"
            "15000.50,40,2026-02-05,2026-02-05",
            campaign="Casa 1a2b3c4d", ad="Anuncio 1", day=date(2026, 2, 5), impressions=1000,
            leads=D(6), spend=D("15000.50"), clicks=40, currency="ARS",
        )  # fmt: skip

    def test_portuguese_aggregated_is_dated_at_its_end(self) -> None:
        meta_row(
            "Nome da campanha,Nome do anúncio,Impressões,Cliques no link,Leads,Valor usado (BRL),"
            "Início dos relatórios,Término dos relatórios",
            "Casa,Anúncio,500,12,3,99.90,2026-02-01,2026-02-28",
            day=date(2026, 2, 28), period_start=date(2026, 2, 1), leads=D(3),
            spend=D("99.90"), currency="BRL",
        )  # fmt: skip

    def test_french_with_decimal_commas_and_curly_apostrophe(self) -> None:
        meta_row(
            "Nom de la campagne,Nom de l’ensemble de publicités,Nom de la publicité,Jour,"
            "Impressions,Clics sur un lien,Prospects,Montant dépensé (EUR),Début des rapports,"
            "Fin des rapports",
            'Maison,Ensemble,Pub,2026-02-07,"1 200",9,2,"12,50",2026-02-07,2026-02-07',
            ad_set="Ensemble", impressions=1200, clicks=9, leads=D(2), spend=D("12.50"),
            currency="EUR",
        )  # fmt: skip

    def test_results_of_another_type_are_not_leads(self) -> None:
        _, items = read(export(META_EN))
        assert [r.leads for r in only_rows(items)] == [D(4), None]

    def test_missing_markers_are_none(self) -> None:
        header = "Campaign name,Day,Amount spent (GBP),Impressions,Link clicks,Leads"
        meta_row(header, "A,2026-02-01,--,—,,", spend=None, impressions=None, clicks=None)
        meta_row(header, "A,2026-02-01,£3.20,  ,–,n/a", spend=D("3.20"), leads=None)


class TestSkipped:
    def test_blank_summary_and_total_rows_are_skipped(self) -> None:
        text = (
            "Campaign name,Day,Amount spent (USD),Impressions\n"
            ",,100.00,1000\n"  # Meta summary row: no name
            "\n"
            "Total Makeover,2026-02-01,1.00,10\n"  # a campaign, not a total
            "Total,,100.00,1000\n"
            "Grand total,,100.00,1000\n"
        )
        _, items = read(export(text))
        assert [(r.line, r.campaign) for r in only_rows(items)] == [(4, "Total Makeover")]


class TestErrors:
    def test_row_errors_name_line_and_column_and_reading_goes_on(self) -> None:
        text = (
            "Campaign name,Day,Amount spent (USD),Impressions,Link clicks,Reporting starts,"
            "Reporting ends\n"
            "A,2026-02-30,1.00,1,1,,\n"
            "B,2026-02-01,abc,1,1,,\n"
            "C,2026-02-01,-5.00,1,1,,\n"
            "D,2026-02-01,1.00,1.5,1,,\n"
            "E,,1.00,1,1,,\n"
            "F,2026-02-01,1.00\n"
            "G,2026-02-01,2.00,2,2,,\n"
        )
        _, items = read(export(text))
        errors = [(e.line, e.column) for e in items if isinstance(e, RowError)]
        assert errors == [
            (2, "Day"), (3, "Amount spent (USD)"), (4, "Amount spent (USD)"),
            (5, "Impressions"), (6, "Day"), (7, "row"),
        ]  # fmt: skip
        assert [r.campaign for r in items if isinstance(r, ExportRow)] == ["G"]
        assert "line 3: Amount spent (USD): 'abc' is not a number" in [str(e) for e in items]

    def test_bad_reporting_start_names_its_column(self) -> None:
        text = (
            "Campaign name,Amount spent (USD),Reporting starts,Reporting ends\n"
            "A,1,soon,2026-02-01\n"
        )
        _, [error] = read(export(text))
        assert isinstance(error, RowError)
        assert (error.line, error.column) == (2, "Reporting starts")

    def test_mixed_decimal_separators_are_an_error_not_a_guess(self) -> None:
        text = 'Campaign name,Day,Amount spent (EUR)\nA,2026-02-01,"1,50"\nB,2026-02-02,2.75\n'
        _, items = read(export(text))
        assert isinstance(items[1], RowError) and "decimal comma" in items[1].reason

    def test_ambiguous_slash_date(self) -> None:
        text = "Campaign,Day,Cost,Impr.\nA,01/02/2026,1.00,1\nB,13/02/2026,1.00,1\n"
        _, items = read(export(text))
        assert isinstance(items[0], RowError) and "ambiguous" in items[0].reason
        assert isinstance(items[1], ExportRow) and items[1].day == date(2026, 2, 13)

    @pytest.mark.parametrize(
        ("text", "field"),
        [
            ("hello,world\n1,2\n", "file"),
            ("Campaign name,Ad name\nA,B\n", "Amount spent"),
            ("Amount spent (USD),Impressions\n1,2\n", "Campaign name"),
            ("Campaign name,Amount spent (USD),Impressions\nA,1,2\n", "Day"),
            ("Name,Day,Clicks,Impressions\nA,2026-02-01,1,2\n", "Campaign name"),
            ("Name,Views\nA,2\n", "file"),
        ],
    )
    def test_unreadable_files_say_what_is_missing(self, text: str, field: str) -> None:
        with pytest.raises(UnreadableExport) as info:
            read_export(export(text))
        assert info.value.field == field

    def test_undetectable_platform_asks_for_it(self) -> None:
        text = "Campaign name,Campaign,Day,Impressions\nA,A,2026-02-01,3\n"
        with pytest.raises(UnreadableExport) as info:
            read_export(export(text))
        assert info.value.field == "platform"
        _, items = read(export(text), AdPlatform.MANUAL)
        assert only_rows(items)[0].platform is AdPlatform.MANUAL

    def test_invalid_utf8_later_in_the_file_names_the_line(self) -> None:
        head = META_EN.encode() + b"x" * 70_000 + b"\n"
        data = head + b"C,Broad,Tour,2026-02-04,1,1,1,Leads,1,\xff\xfe\xfa,1,1,,\n"
        reader = read_export(io.BytesIO(data))
        with pytest.raises(UnreadableExport) as info:
            list(reader)
        assert info.value.field == "file" and info.value.line == 5

    def test_a_reader_streams_once(self) -> None:
        reader = read_export(export(META_EN))
        list(reader)
        with pytest.raises(RuntimeError):
            iter(reader)


class TestXlsx:
    def test_xlsx_export_reads_like_csv(self) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Campaign name", "Day", "Amount spent (USD)", "Impressions", "Leads"])
        sheet.append(["Villa", date(2026, 2, 1), 12.5, 1000, 2])
        sheet.append(["Loft", "2026-02-02", 0.00001, 1000.0, None])
        sheet.append(["Total", None, 12.5, 1000, 2])
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        reader, items = read(buffer)
        assert reader.encoding == "xlsx"
        assert [(r.line, r.day, r.spend, r.impressions, r.leads) for r in only_rows(items)] == [
            (2, date(2026, 2, 1), D("12.5"), 1000, D(2)),
            (3, date(2026, 2, 2), D("0.00001"), 1000, None),
        ]

    def test_damaged_xlsx(self) -> None:
        with pytest.raises(UnreadableExport):
            read_export(io.BytesIO(b"PK\x03\x04 not really a zip"))


def test_text_mode_stream_is_refused_with_a_clear_error() -> None:
    with pytest.raises(UnreadableExport, match="binary"):
        read_export(io.StringIO(META_EN))  # type: ignore[arg-type]
