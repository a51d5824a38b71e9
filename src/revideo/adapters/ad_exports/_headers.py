"""
Header recognition for Meta Ads Manager and Google Ads exports (see docs/ad-exports.md).

A header cell is normalised (case-folded, trimmed, curly apostrophes straightened, spaces
collapsed, a trailing `(USD)`-style currency taken off) and looked up in `ALIASES`, which maps
English, Spanish, Portuguese and French names to one field. Several columns may feed one field
(`Link clicks` and `Clicks (all)`): the alias with the lower rank wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from revideo.domain.ads import AdPlatform

_CURRENCY = re.compile(r"\s*\(([A-Z]{3})\)\s*$")
_SPACE = re.compile(r"\s+")

META, GOOGLE, BOTH = "meta", "google", ""

# field -> [(alias, rank, platform hint)]; rank orders aliases feeding the same field.
_TABLE: dict[str, list[tuple[str, int, str]]] = {
    "campaign": [
        *((a, 0, META) for a in ("campaign name", "nombre de la campaña", "nome da campanha")),
        ("nom de la campagne", 0, META),
        *((a, 0, GOOGLE) for a in ("campaign", "campaña", "campanha", "campagne")),
    ],
    "ad_set": [
        ("ad set name", 0, META),
        ("nombre del conjunto de anuncios", 0, META),
        ("nome do conjunto de anúncios", 0, META),
        ("nom de l'ensemble de publicités", 0, META),
        *((a, 0, GOOGLE) for a in ("ad group", "grupo de anuncios", "grupo de anúncios")),
        ("groupe d'annonces", 0, GOOGLE),
    ],
    "ad": [
        *((a, 0, META) for a in ("ad name", "nombre del anuncio", "nome do anúncio")),
        ("nom de la publicité", 0, META),
        *((a, 0, GOOGLE) for a in ("ad", "anuncio", "anúncio", "annonce")),
    ],
    "ad_id": [
        ("ad id", 0, META),
        ("identificador del anuncio", 0, META),
        ("identificação do anúncio", 0, META),
        ("identifiant de la publicité", 0, META),
    ],
    "campaign_id": [
        ("campaign id", 0, META),
        ("identificador de la campaña", 0, META),
        ("identificação da campanha", 0, META),
        ("identifiant de la campagne", 0, META),
    ],
    "day": [(a, 0, BOTH) for a in ("day", "día", "dia", "jour", "date", "fecha", "data")],
    "starts": [
        ("reporting starts", 0, META),
        ("inicio del informe", 0, META),
        ("início dos relatórios", 0, META),
        ("début des rapports", 0, META),
    ],
    "ends": [
        ("reporting ends", 0, META),
        ("fin del informe", 0, META),
        ("término dos relatórios", 0, META),
        ("fin des rapports", 0, META),
    ],
    "spend": [
        *((a, 0, META) for a in ("amount spent", "importe gastado", "valor usado", "valor gasto")),
        ("montant dépensé", 0, META),
        ("quantia gasta", 0, META),
        *((a, 0, GOOGLE) for a in ("cost", "costo", "coste", "custo", "coût")),
    ],
    "impressions": [
        *((a, 0, BOTH) for a in ("impressions", "impresiones", "impressões")),
        ("impr.", 0, GOOGLE),
    ],
    "clicks": [
        *((a, 0, META) for a in ("link clicks", "clics en el enlace", "cliques no link")),
        *((a, 0, META) for a in ("clics sur un lien", "clics sur le lien")),
        *((a, 1, BOTH) for a in ("clicks", "clics", "cliques")),
        *((a, 2, META) for a in ("clicks (all)", "clics (todos)", "cliques (todos)")),
        ("clics (tous)", 2, META),
    ],
    "leads": [
        ("leads", 0, META),
        ("clientes potenciales", 0, META),
        ("prospects", 0, META),
        ("cadastros", 0, META),
        *((a, 1, GOOGLE) for a in ("conversions", "conversiones", "conversões")),
    ],
    "results": [(a, 0, META) for a in ("results", "resultados", "résultats")],
    "result_type": [
        *((a, 0, META) for a in ("result type", "tipo de resultado", "type de résultat")),
        *((a, 1, META) for a in ("result indicator", "indicador de resultado")),
        *((a, 1, META) for a in ("indicador de resultados", "indicateur de résultat")),
    ],
    "currency": [
        *((a, 0, GOOGLE) for a in ("currency code", "código de moneda", "código da moeda")),
        ("code de la devise", 0, GOOGLE),
        ("currency", 1, BOTH),
    ],
    "campaign_type": [
        *((a, 0, GOOGLE) for a in ("campaign type", "tipo de campaña", "tipo de campanha")),
        ("type de campagne", 0, GOOGLE),
    ],
}

# Columns we do not keep but that identify the platform and carry number-format evidence.
_EXTRA: dict[str, str] = {
    **dict.fromkeys(
        [
            "reach", "alcance", "couverture", "frequency", "frecuencia", "frequência",
            "répétition", "cost per result", "costo por resultado", "coste por resultado",
            "custo por resultado", "coût par résultat", "delivery status", "attribution setting",
            "ctr (link click-through rate)", "cpc (cost per link click)",
            "cpm (cost per 1,000 impressions)", "ad set id",
            "objective", "delivery level",
        ],
        META,
    ),
    **dict.fromkeys(
        [
            "avg. cpc", "avg. cpm", "interactions", "interaction rate", "conv. rate",
            "cost / conv.", "conv. value", "views", "view rate", "avg. cpv", "cpc medio",
            "cpc médio", "cpc moyen", "ctr", "all conv.",
        ],
        GOOGLE,
    ),
}  # fmt: skip
EVIDENCE = frozenset(  # columns whose figures usually show the decimal separator
    {
        "frequency", "frecuencia", "frequência", "répétition", "cost per result",
        "costo por resultado", "coste por resultado", "custo por resultado", "coût par résultat",
        "ctr (link click-through rate)", "cpc (cost per link click)",
        "cpm (cost per 1,000 impressions)", "avg. cpc", "avg. cpm", "interaction rate",
        "conv. rate", "cost / conv.", "conv. value", "view rate", "avg. cpv", "cpc medio",
        "cpc médio", "cpc moyen", "ctr",
    }
)  # fmt: skip

ALIASES: dict[str, tuple[str, int, str]] = {
    alias: (field, rank, hint) for field, rows in _TABLE.items() for alias, rank, hint in rows
}
VIDEO_CAMPAIGN_TYPES = frozenset({"video", "vídeo", "vidéo", "youtube"})
LEAD_WORDS = ("lead", "potencial", "prospect", "cadastro")


def normalise(header: str) -> tuple[str, str | None]:
    """Return the lookup form of a header cell and the currency code it names, if any."""
    text = header.replace("\ufeff", "").replace("’", "'").strip()
    currency = None
    if m := _CURRENCY.search(text):
        currency, text = m[1], text[: m.start()]
    return _SPACE.sub(" ", text).casefold(), currency


def score(cells: Sequence[str]) -> int:
    """How many cells of a row are known column names (a header scores 2 or more)."""
    return sum(1 for c in cells if _known(normalise(c)[0]))


def _known(name: str) -> bool:
    return name in ALIASES or name in _EXTRA


@attrs.frozen
class Columns:
    """Where each field sits in the header row, and what the header says about the file."""

    header: tuple[str, ...]
    index: dict[str, int]
    currency: str | None
    hints: dict[str, int]
    evidence: tuple[int, ...]

    def name(self, field: str) -> str:
        """The header cell, as written in the file, that feeds `field`."""
        return self.header[self.index[field]].replace("\ufeff", "").strip()

    def platform(self) -> AdPlatform | None:
        """Meta or Google, from the platform-specific columns; None when it cannot tell."""
        meta, google = self.hints.get(META, 0), self.hints.get(GOOGLE, 0)
        if meta == google:
            return None
        return AdPlatform.META if meta > google else AdPlatform.GOOGLE


def resolve(header: Sequence[str]) -> Columns:
    """Map a header row to field positions (lowest-ranked alias wins for each field)."""
    index: dict[str, int] = {}
    ranks: dict[str, int] = {}
    hints: dict[str, int] = {}
    evidence: list[int] = []
    currency = None
    for i, cell in enumerate(header):
        name, code = normalise(cell)
        field, rank, hint = ALIASES.get(name, ("", 0, _EXTRA.get(name, BOTH)))
        if hint:
            hints[hint] = hints.get(hint, 0) + 1
        if name in EVIDENCE:
            evidence.append(i)
        if code and (currency is None or field == "spend"):
            currency = code
        if field and rank < ranks.get(field, 99):
            index[field], ranks[field] = i, rank
    return Columns(tuple(header), index, currency, hints, tuple(evidence))
