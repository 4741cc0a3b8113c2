"""Iran's provinces (استان) and counties (شهرستان): typed, cached, and matched from typed text.

Data: ``data/regions.json`` (built by ``data/build_regions.py``; source and licence in
``data/SOURCES.md``). Ids are the official statistical codes: a province id is two digits
(``"23"`` = Tehran), a county id is the province id followed by two digits (``"2301"``).

Typed names are matched with rapidfuzz after :func:`services.persian.normalize_text`, so Arabic
letter forms, missing or extra ZWNJ/spaces, diacritics, a leading «استان»/«شهرستان» and small
typos are tolerated. Matches come back ranked with a 0–100 score; the caller decides whether to
take the first one or show the candidates as buttons.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from services.persian import normalize_text

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "regions.json"

#: A score at or above this is good enough to pre-select a candidate without asking.
CONFIDENT_SCORE = 90.0
#: Candidates scoring below this are not returned by the match functions by default.
MIN_SCORE = 60.0


class RegionsDataError(ValueError):
    """regions.json is malformed (duplicate id, county outside its province's code range...)."""


class UnknownRegionError(KeyError):
    """An id that is not in the data set."""


@dataclass(frozen=True, slots=True)
class County:
    id: str
    province_id: str
    name_fa: str
    name_en: str
    aliases: tuple[str, ...] = ()

    def name(self, locale: str = "fa") -> str:
        return self.name_fa if locale == "fa" else self.name_en


@dataclass(frozen=True, slots=True)
class Province:
    id: str
    iso_3166_2: str
    name_fa: str
    name_en: str
    aliases: tuple[str, ...] = ()
    county_ids: tuple[str, ...] = ()

    def name(self, locale: str = "fa") -> str:
        return self.name_fa if locale == "fa" else self.name_en


R = TypeVar("R", bound=Province | County)


@dataclass(frozen=True)
class RegionMatch(Generic[R]):
    """One ranked candidate: the region, its score (0–100) and the name form that matched."""

    region: R
    score: float
    matched: str


# Words people put before a name. Stripped from the query (both forms are scored).
_PREFIXES = re.compile(
    r"^(?:استان|شهرستان|شهر|ostan|shahrestan|province(?: of)?|county(?: of)?|city(?: of)?)\s+"
)
_SUFFIXES = re.compile(r"\s+(?:province|county|city|ostan|shahrestan)$")


_SHORT = 3


def _key(text: str) -> str:
    """Matching form of a name: normalize_text, and آ folded to ا (people often type ا)."""
    return normalize_text(text).replace("آ", "ا")


def _query_forms(text: str) -> list[str]:
    key = _key(text)
    forms = [key]
    stripped = _SUFFIXES.sub("", _PREFIXES.sub("", key)).strip()
    if stripped and stripped != key:
        forms.append(stripped)
    return forms


def _score(query: str, candidate: str) -> float:
    """Best of: whole-string similarity with spaces removed (ZWNJ/space variants), and rapidfuzz's
    WRatio on the spaced form (partial and token matches, scaled down by WRatio itself). Input of
    at most three letters is compared as a whole only."""
    if query == candidate:
        return 100.0
    compact_q, compact_c = query.replace(" ", ""), candidate.replace(" ", "")
    if compact_q == compact_c:
        return 99.0
    whole = fuzz.ratio(compact_q, compact_c)
    if len(compact_q) <= _SHORT:
        # «ری» is inside «ساری»: for very short input a partial match is noise, not a hint.
        return whole
    return max(whole, fuzz.WRatio(query, candidate))


def _rank(match: RegionMatch[R]) -> tuple[float, bool, str]:
    return (-match.score, match.matched != match.region.name_fa, match.region.id)


class _Matcher(Generic[R]):
    def __init__(self, regions: Iterable[R]) -> None:
        self._entries: list[tuple[str, str, R]] = []
        for item in regions:
            seen: set[str] = set()
            for name in (item.name_fa, item.name_en, *item.aliases):
                key = _key(name)
                if key and key not in seen:
                    seen.add(key)
                    self._entries.append((key, name, item))

    def match(self, text: str, limit: int, min_score: float) -> list[RegionMatch[R]]:
        forms = _query_forms(text)
        if not any(forms):
            return []
        best: dict[str, RegionMatch[R]] = {}
        for key, name, region in self._entries:
            score = max(_score(form, key) for form in forms if form)
            current = best.get(region.id)
            if current is None or score > current.score:
                best[region.id] = RegionMatch(region=region, score=round(score, 1), matched=name)
        ranked = sorted((m for m in best.values() if m.score >= min_score), key=_rank)
        return ranked[:limit]


class Regions:
    """The loaded data set. Use :func:`default_regions` for the shipped file (cached)."""

    def __init__(self, provinces: Sequence[Province], counties: Sequence[County], dataset: dict[str, object]):
        self.dataset = dataset
        self._provinces = {p.id: p for p in provinces}
        self._counties = {c.id: c for c in counties}
        self._province_matcher: _Matcher[Province] = _Matcher(provinces)
        self._county_matchers: dict[str | None, _Matcher[County]] = {None: _Matcher(counties)}
        for province in provinces:
            self._county_matchers[province.id] = _Matcher(self._counties[c] for c in province.county_ids)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_PATH) -> Regions:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        provinces: list[Province] = []
        counties: list[County] = []
        seen_counties: set[str] = set()
        try:
            for p in raw["provinces"]:
                pid = str(p["id"])
                if not re.fullmatch(r"\d{2}", pid) or any(x.id == pid for x in provinces):
                    raise RegionsDataError(f"province id {pid!r} is not two digits or is repeated")
                ids: list[str] = []
                for c in p["counties"]:
                    cid = str(c["id"])
                    if not re.fullmatch(rf"{pid}\d{{2}}", cid) or cid in seen_counties:
                        raise RegionsDataError(f"county id {cid!r} is repeated or not under province {pid}")
                    if not c["name_fa"] or not c["name_en"]:
                        raise RegionsDataError(f"county {cid} lacks a Persian or English name")
                    seen_counties.add(cid)
                    ids.append(cid)
                    counties.append(County(cid, pid, c["name_fa"], c["name_en"], tuple(c.get("aliases", ()))))
                provinces.append(
                    Province(
                        pid,
                        p.get("iso_3166_2", f"IR-{pid}"),
                        p["name_fa"],
                        p["name_en"],
                        tuple(p.get("aliases", ())),
                        tuple(ids),
                    )
                )
        except (KeyError, TypeError) as exc:
            raise RegionsDataError(f"regions file {path} is malformed: {exc!r}") from exc
        return cls(provinces, counties, dict(raw.get("dataset", {})))

    def provinces(self) -> list[Province]:
        """All provinces, in official code order."""
        return list(self._provinces.values())

    def counties(self, province_id: str) -> list[County]:
        """The counties of one province, in official code order."""
        return [self._counties[c] for c in self.get_province(province_id).county_ids]

    def all_counties(self) -> list[County]:
        return list(self._counties.values())

    def get_province(self, province_id: str) -> Province:
        try:
            return self._provinces[province_id]
        except KeyError:
            raise UnknownRegionError(province_id) from None

    def get_county(self, county_id: str) -> County:
        try:
            return self._counties[county_id]
        except KeyError:
            raise UnknownRegionError(county_id) from None

    def find_province(self, province_id: str) -> Province | None:
        return self._provinces.get(province_id)

    def find_county(self, county_id: str) -> County | None:
        return self._counties.get(county_id)

    def county_in_province(self, county_id: str, province_id: str) -> bool:
        county = self._counties.get(county_id)
        return county is not None and county.province_id == province_id

    def match_province(
        self, text: str, limit: int = 5, min_score: float = MIN_SCORE
    ) -> list[RegionMatch[Province]]:
        """Ranked provinces for a typed name (fa or en), best first; [] if nothing is close."""
        return self._province_matcher.match(text, limit, min_score)

    def match_county(
        self, text: str, province_id: str | None = None, limit: int = 5, min_score: float = MIN_SCORE
    ) -> list[RegionMatch[County]]:
        """Ranked counties for a typed name, within one province (or nationwide with None)."""
        if province_id is not None and province_id not in self._provinces:
            raise UnknownRegionError(province_id)
        return self._county_matchers[province_id].match(text, limit, min_score)


@cache
def default_regions() -> Regions:
    """The shipped data set, loaded once per process."""
    return Regions.load(DEFAULT_PATH)


# Module-level shortcuts over the shipped data set.
def provinces() -> list[Province]:
    return default_regions().provinces()


def counties(province_id: str) -> list[County]:
    return default_regions().counties(province_id)


def get_province(province_id: str) -> Province:
    return default_regions().get_province(province_id)


def get_county(county_id: str) -> County:
    return default_regions().get_county(county_id)


def county_in_province(county_id: str, province_id: str) -> bool:
    return default_regions().county_in_province(county_id, province_id)


def match_province(text: str, limit: int = 5, min_score: float = MIN_SCORE) -> list[RegionMatch[Province]]:
    return default_regions().match_province(text, limit, min_score)


def match_county(
    text: str, province_id: str | None = None, limit: int = 5, min_score: float = MIN_SCORE
) -> list[RegionMatch[County]]:
    return default_regions().match_county(text, province_id, limit, min_score)
