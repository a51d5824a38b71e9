"""Each documented export variant, imported through the service into PostgreSQL, exactly."""

from __future__ import annotations

import codecs
import io
from decimal import Decimal

import pytest

from revideo.domain.errors import ValidationError
from revideo.services.ad_import import ImportRejected
from tests.integration.ad_import.conftest import Agent

pytestmark = pytest.mark.integration


def meta_bom(a: Agent) -> bytes:
    text = (
        "Campaign name,Ad set name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,"
        "Result type,Results,Reporting starts,Reporting ends\n"
        f'Spring,Broad,Villa rv-{a.villa[:8]},2026-02-02,1474.71,"12,000",310,Leads,7,'
        "2026-02-02,2026-02-02\n"
        "Spring,Broad,City Loft,2026-02-02,20.5,800,8,Link clicks,8,2026-02-02,2026-02-02\n"
    )
    return codecs.BOM_UTF8 + text.encode()


def google_utf16(a: Agent) -> bytes:
    rows = [
        "Campaign report",
        "1 February 2026 - 28 February 2026",
        "Day\tCampaign\tAd group\tCampaign type\tCurrency code\tCost\tImpr.\tClicks\tCTR\t"
        "Conversions",
        f"2026-02-03\tTour {a.villa[:8]}\tGroup\tVideo\tUSD\t$1,234.50\t10,000\t1,200\t12.00%"
        "\t3.00",
        "2026-02-03\tSeaside Villa Tour\tGroup\tSearch\tUSD\t$10.00\t--\t--\t--\t--",
        "2026-02-04\tCity Loft\tGroup\tSearch\tUSD\t--\t100\t5\t5.00%\t0.50",
        "Total: Account\t\t\t\t\t$1,244.50\t10,100\t1,205\t\t3.50",
        "Total: Search\t\t\t\t\t$10.00\t100\t5\t\t0.50",
    ]
    return codecs.BOM_UTF16_LE + ("\r\n".join(rows) + "\r\n").encode("utf-16-le")


def meta_spanish(a: Agent) -> bytes:
    return (
        "Nombre de la campaña,Nombre del anuncio,Día,Importe gastado (ARS),Impresiones,"
        "Clics en el enlace,Clientes potenciales,Frecuencia\n"
        f'Otoño,Villa {a.villa[:8]},2026-03-01,"1.234,56","12.000",150,4,"1,25"\n'
        'Otoño,City Loft,2026-03-02,"99,9",900,9,—,"1,10"\n'
    ).encode()


def meta_portuguese(a: Agent) -> bytes:
    return (
        "Nome da campanha,Nome do anúncio,Início dos relatórios,Término dos relatórios,"
        "Valor usado (BRL),Impressões,Cliques no link,Resultados,Tipo de resultado\n"
        f'Verão,Casa {a.loft[:8]},2026-04-01,2026-04-30,"2.500,00",40000,800,12,Cadastros\n'
    ).encode()


def meta_french(a: Agent) -> bytes:
    return (
        "Nom de la campagne;Nom de la publicité;Jour;Montant dépensé (EUR);Impressions;"
        "Clics sur un lien;Prospects\n"
        f"Été;Villa {a.villa[:8]};2026-05-01;1 234,50;5 000;50;2\n"
        f"Été;Loft {a.loft[:8]};2026-05-01;--;;--;--\n"
    ).encode()


CASES = {
    "utf-8 BOM, Meta, result type": (
        meta_bom,
        lambda a: [
            (a.loft, "meta", "2026-02-02", "20.50", 800, 8, 0),
            (a.villa, "meta", "2026-02-02", "1474.71", 12000, 310, 7),
        ],
    ),
    "utf-16 tab, Google preamble, totals, --": (
        google_utf16,
        lambda a: [
            (a.loft, "google", "2026-02-04", "0.00", 100, 5, 0),  # 0.50 conversions -> 0
            (a.villa, "google", "2026-02-03", "10.00", 0, 0, 0),
            (a.villa, "youtube", "2026-02-03", "1234.50", 10000, 1200, 3),
        ],
    ),
    "Spanish headers, decimal commas, em dash": (
        meta_spanish,
        lambda a: [
            (a.loft, "meta", "2026-03-02", "99.90", 900, 9, 0),
            (a.villa, "meta", "2026-03-01", "1234.56", 12000, 150, 4),
        ],
    ),
    "Portuguese headers, reporting range": (
        meta_portuguese,
        lambda a: [(a.loft, "meta", "2026-04-30", "2500.00", 40000, 800, 12)],
    ),
    "French headers, semicolons, spaced thousands": (
        meta_french,
        lambda a: [
            (a.loft, "meta", "2026-05-01", "0.00", 0, 0, 0),
            (a.villa, "meta", "2026-05-01", "1234.50", 5000, 50, 2),
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_variant_lands_as_the_exact_rows_and_only_once(any_agent: Agent, name: str) -> None:
    agent = any_agent
    make, expected = CASES[name]
    body = make(agent)
    first = agent.svc.ad_import.commit(agent.actor, io.BytesIO(body))
    assert (first.error_count, first.unmapped_count) == (0, 0), (first.errors, first.unmapped)
    want = sorted(expected(agent))
    assert agent.stored() == want
    assert first.added == len(want)
    totals = agent.svc.analytics.summary(agent.actor).ads
    assert totals.spend == sum(Decimal(row[3]) for row in want)
    assert (totals.impressions, totals.clicks, totals.leads) == tuple(
        sum(row[i] for row in want) for i in (4, 5, 6)
    )
    again = agent.svc.ad_import.commit(agent.actor, io.BytesIO(body))
    assert again.duplicate_of is not None and (again.added, again.updated) == (0, 0)
    assert agent.stored() == want


def big_file(agent: Agent, rows: int, tail: bytes) -> bytes:
    head = "Campaign name,Ad name,Day,Amount spent (USD),Impressions,Link clicks,Leads\n"
    lines = [head] + [
        f"C,Villa {agent.villa[:8]},{2010 + i // 300}-{1 + i // 25 % 12:02d}-{1 + i % 25:02d},"
        f"1.00,10,1,0\n"
        for i in range(rows)
    ]
    return "".join(lines).encode() + tail


def test_a_malformed_file_names_the_line_and_writes_nothing(agent: Agent) -> None:
    body = big_file(agent, 3000, b"C,Villa,2026-01-01,\xff\xfe,1,1,1\n")  # past the sniffed 64 KiB
    with pytest.raises(ValidationError, match="line 3002: not valid utf-8") as exc:
        agent.svc.ad_import.commit(agent.actor, io.BytesIO(body))
    assert exc.value.field == "file"
    assert agent.stored() == []
    bad_row = big_file(agent, 3000, b"C,Villa,2026-01-01,12.4.4x,1,1,1\n")
    with pytest.raises(ImportRejected, match=r"line 3002: Amount spent \(USD\): '12.4.4x'"):
        agent.svc.ad_import.commit(agent.actor, io.BytesIO(bad_row))
    assert agent.stored() == []


class Breaks(io.RawIOBase):
    """A stream that fails after `limit` bytes, as a dropped upload or a dying disk does."""

    def __init__(self, body: bytes, limit: int) -> None:
        self.inner, self.limit = io.BytesIO(body), limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        if self.inner.tell() >= self.limit:
            raise OSError("connection reset while reading the upload")
        data = self.inner.read(min(len(buffer), self.limit - self.inner.tell()))
        buffer[: len(data)] = data
        return len(data)


def test_a_stream_failing_midway_leaves_no_rows(agent: Agent) -> None:
    body = big_file(agent, 3000, b"")
    with pytest.raises(OSError, match="connection reset"):
        agent.svc.ad_import.commit(agent.actor, io.BufferedReader(Breaks(body, len(body) // 2)))
    assert agent.stored() == []
    done = agent.svc.ad_import.commit(agent.actor, io.BytesIO(body))
    assert done.added == len(agent.stored()) > 0
