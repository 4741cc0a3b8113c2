"""Iran's provinces (استان) and counties (شهرستان): typed, cached, and matched from typed text.

Data: ``data/regions.json`` (built by ``data/build_regions.py``; source and licence in
``data/SOURCES.md``). Ids are the official statistical codes: a province id is two digits
(``"23"`` = Tehran), a county id is the province id followed by two digits (``"2301"``).

Typed names are matched with rapidfuzz after :func:`services.persian.normalize_text`, so Arabic
letter forms, missing or extra ZWNJ/spaces, diacritics, a leading «استان»/«شهرستان» and small
typos are tolerated. Matches come back ranked with a 0–100 score; the caller decides whether to
take the first one or show the candidates as buttons.

:func:`match_region` is the one answer for a typed place name in every picker: a province, a
county (also through one of its towns, «یاسوج» → بویراحمد), the choices to offer («خراسان» → its
three provinces), or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

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
    places: tuple[str, ...] = ()  # its cities whose names are not the county's («یاسوج» in بویراحمد)

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
class RegionCandidate(Generic[R]):
    """One ranked candidate: the region, its score (0–100) and the name form that matched."""

    region: R
    score: float
    matched: str


# Words people put before or after a name. «استان»/«شهرستان» never belong to one and are dropped;
# «شهر» may («شهر کرد»), so the query is scored with and without it.
_DEFINITE = re.compile(r"^(?:استان|شهرستان|ostan|shahrestan|province(?: of)?|county(?: of)?)\s+")
_CITY = re.compile(r"^(?:شهر|shahr|city(?: of)?)\s+")
_SUFFIXES = re.compile(r"\s+(?:province|county|city|ostan|shahrestan)$")


_SHORT = 3


def _key(text: str) -> str:
    """Matching form of a name: normalize_text, and آ folded to ا (people often type ا)."""
    return normalize_text(text).replace("آ", "ا")


def _query_forms(text: str) -> list[str]:
    key = _key(text)
    key = _SUFFIXES.sub("", _DEFINITE.sub("", key)).strip() or key
    forms = [key]
    stripped = _CITY.sub("", key).strip()
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
    from rapidfuzz import fuzz  # here and below: loaded by the first fuzzy match (~2.5 MB), not at start

    whole = fuzz.ratio(compact_q, compact_c)
    if len(compact_q) <= _SHORT or len(compact_c) <= _SHORT + 1 < len(compact_q) - 2:
        # «ری» is inside «ساری», "ahar" inside "chaharmahal": a partial match of something very
        # short is noise, not a hint.
        return whole
    return max(whole, fuzz.WRatio(query, candidate))


def _rank(match: RegionCandidate[R]) -> tuple[float, bool, str]:
    return (-match.score, match.matched != match.region.name_fa, match.region.id)


class _Matcher(Generic[R]):
    def __init__(self, regions: Iterable[R], names: Callable[[R], Iterable[str]] | None = None) -> None:
        self._entries: list[tuple[str, str, R]] = []
        for item in regions:
            seen: set[str] = set()
            for name in names(item) if names else (item.name_fa, item.name_en, *item.aliases):
                key = _key(name)
                if key and key not in seen:
                    seen.add(key)
                    self._entries.append((key, name, item))
        self._keys = [key for key, _, _ in self._entries]
        self._compact = [key.replace(" ", "") for key in self._keys]
        self._by_compact: dict[str, list[int]] = {}
        for index, compact in enumerate(self._compact):
            self._by_compact.setdefault(compact, []).append(index)

    def exact(self, text: str, limit: int) -> list[RegionCandidate[R]]:
        """Only names equal to the typed one but for spaces and ZWNJ (a dictionary look-up)."""
        best: dict[str, RegionCandidate[R]] = {}
        for form in _query_forms(text):
            for index in self._by_compact.get(form.replace(" ", ""), ()):
                _, name, region = self._entries[index]
                best.setdefault(region.id, RegionCandidate(region=region, score=_EXACT, matched=name))
        return sorted(best.values(), key=_rank)[:limit]

    def _near(self, forms: list[str], min_score: float) -> set[int]:
        """Entries that can reach ``min_score``: :func:`_score` is never above both of the scores
        rapidfuzz computes here in C, so only these need the full (Python) scoring."""
        from rapidfuzz import fuzz, process

        near: set[int] = set()
        for form in forms:
            for choices, query, scorer in (
                (self._keys, form, fuzz.WRatio),
                (self._compact, form.replace(" ", ""), fuzz.ratio),
            ):
                found = process.extract(query, choices, scorer=scorer, score_cutoff=min_score, limit=None)
                near.update(index for _, _, index in found)
        return near

    def match(self, text: str, limit: int, min_score: float) -> list[RegionCandidate[R]]:
        forms = [form for form in _query_forms(text) if form]
        if not forms:
            return []
        best: dict[str, RegionCandidate[R]] = {}
        for index in self._near(forms, min_score):
            key, name, region = self._entries[index]
            score = max(_score(form, key) for form in forms)
            current = best.get(region.id)
            if current is None or score > current.score:
                best[region.id] = RegionCandidate(region=region, score=round(score, 1), matched=name)
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
        self._place_matchers: dict[str | None, _Matcher[County]] = {None: _Matcher(counties, _places)}
        for province in provinces:
            own = [self._counties[c] for c in province.county_ids]
            self._county_matchers[province.id] = _Matcher(own)
            self._place_matchers[province.id] = _Matcher(own, _places)
        self._families = _families(provinces)

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
                    counties.append(
                        County(
                            cid,
                            pid,
                            c["name_fa"],
                            c["name_en"],
                            tuple(c.get("aliases", ())),
                            tuple(c.get("places", ())),
                        )
                    )
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
    ) -> list[RegionCandidate[Province]]:
        """Ranked provinces for a typed name (fa or en), best first; [] if nothing is close."""
        return self._province_matcher.match(text, limit, min_score)

    def match_county(
        self, text: str, province_id: str | None = None, limit: int = 5, min_score: float = MIN_SCORE
    ) -> list[RegionCandidate[County]]:
        """Ranked counties for a typed name, within one province (or nationwide with None)."""
        if province_id is not None and province_id not in self._provinces:
            raise UnknownRegionError(province_id)
        return self._county_matchers[province_id].match(text, limit, min_score)

    def match_region(self, text: str, province_id: str | None = None) -> RegionMatch:
        """What a typed place name means: a province, a county (also from one of its cities:
        «یاسوج» → بویراحمد, «مشهد» → مشهد in خراسان رضوی), several candidates to choose from
        («خراسان» → its three provinces, a city name found in two counties, a typo close to two
        names), or nothing. With ``province_id`` only that province's counties and cities count.

        Order of preference for an exact name: province («اصفهان» the province, whose county
        comes next), county, city. A fuzzy best guess is taken only when it is confident and
        clearly ahead of the next one."""
        if province_id is not None and province_id not in self._provinces:
            raise UnknownRegionError(province_id)
        forms = [form for form in _query_forms(text) if form]
        if not forms:
            return RegionMatch(MatchKind.NOTHING)
        provinces = self._province_matcher.match(text, 5, MIN_SCORE) if province_id is None else []
        # Hundreds of county names nationwide: a loose floor would offer noise. A city's name
        # must be typed as it is (but for spaces and ZWNJ): among 1,400 small towns a near miss
        # («اسفهان») is another town far more often than the one meant.
        county_floor = MIN_SCORE if province_id else _COUNTY_FLOOR
        counties = self._county_matchers[province_id].match(text, 6, county_floor)
        places = self._place_matchers[province_id].exact(text, 6)
        exact_provinces = [m.region for m in provinces if m.score >= _EXACT]
        if len(exact_provinces) == 1:
            return RegionMatch(MatchKind.PROVINCE, province=exact_provinces[0])
        if province_id is None and not exact_provinces:
            family = self._family_of(forms)
            if family:
                return RegionMatch(MatchKind.AMBIGUOUS, choices=family)
        for found in (counties, places):
            exact = [m for m in found if m.score >= _EXACT]
            if len(exact) == 1:
                return self._county(exact[0])
            if len(exact) > 1:
                return RegionMatch(MatchKind.AMBIGUOUS, choices=tuple(m.region for m in exact))
        ranked: list[RegionCandidate[Province] | RegionCandidate[County]] = [*provinces]
        seen = {m.region.id for m in ranked}
        named = {m.region.name_fa for m in ranked}  # «تهران» the county adds nothing to the province
        for match in sorted([*counties, *places], key=lambda m: -m.score):
            if match.region.id not in seen and match.region.name_fa not in named:
                seen.add(match.region.id)
                ranked.append(match)
        ranked.sort(key=lambda m: -m.score)  # stable: a province before a county of the same score
        if not ranked:
            return RegionMatch(MatchKind.NOTHING)
        best = ranked[0]
        if _clear_winner(best, ranked[1:]):
            if isinstance(best.region, Province):
                return RegionMatch(MatchKind.PROVINCE, province=best.region)
            return self._county(best)
        close = [m.region for m in ranked if m.score >= best.score - _WINDOW]
        return RegionMatch(MatchKind.AMBIGUOUS, choices=tuple(close[:_CHOICES]))

    def _county(self, match: RegionCandidate[County]) -> RegionMatch:
        county = match.region
        place = match.matched if match.matched in county.places else None
        return RegionMatch(
            MatchKind.COUNTY, province=self._provinces[county.province_id], county=county, place=place
        )

    def _family_of(self, forms: list[str]) -> tuple[Province, ...]:
        from rapidfuzz import fuzz

        for form in forms:
            compact = form.replace(" ", "")
            for word, members in self._families.items():
                if compact == word or (len(compact) >= 5 and fuzz.ratio(compact, word) >= 90):
                    return members
        return ()


_EXACT = 99.0  # equal names, or equal but for spaces/ZWNJ
_LEAD = 5.0  # how far a fuzzy guess must be ahead of the next one to be taken without asking
_GOOD_SCORE, _FAR_LEAD = 80.0, 20.0  # ...or how far ahead a merely good one must be
_CHOICES = 6
_WINDOW = 10.0  # candidates offered: within this many points of the best one
_COUNTY_FLOOR = 75.0  # nationwide county names
_FAMILY_STOP = {"and", "va"}


def _clear_winner(
    best: RegionCandidate[Province] | RegionCandidate[County],
    others: list[RegionCandidate[Province] | RegionCandidate[County]],
) -> bool:
    """Take a fuzzy best guess without asking when it is near-certain and ahead of the next one,
    or merely good but far ahead of every name of its own kind (a typo: «تهرن», «شمیران»)."""
    lead = best.score - (others[0].score if others else 0.0)
    kind = isinstance(best.region, Province)
    same = [m.score for m in others if isinstance(m.region, Province) == kind]
    lead_same = best.score - (same[0] if same else 0.0)
    return (best.score >= CONFIDENT_SCORE and lead >= _LEAD) or (
        best.score >= _GOOD_SCORE and lead_same >= _FAR_LEAD and lead >= 2 * _LEAD
    )


def _places(county: County) -> tuple[str, ...]:
    return county.places


def _families(provinces: Sequence[Province]) -> dict[str, tuple[Province, ...]]:
    """Words several province names share («خراسان», "Azerbaijan"): typed alone they are a
    question, not an answer."""
    members: dict[str, list[Province]] = {}
    whole = {_key(name).replace(" ", "") for p in provinces for name in (p.name_fa, p.name_en, *p.aliases)}
    for province in provinces:
        words = {
            w for name in (province.name_fa, province.name_en) for w in _key(name).replace("-", " ").split()
        }
        for word in words:
            if len(word) >= 3 and word not in _FAMILY_STOP and word not in whole:
                members.setdefault(word, []).append(province)
    return {word: tuple(found) for word, found in members.items() if len(found) >= 2}


class MatchKind(StrEnum):
    PROVINCE = "province"
    COUNTY = "county"
    AMBIGUOUS = "ambiguous"
    NOTHING = "nothing"


@dataclass(frozen=True)
class RegionMatch:
    """The outcome of :meth:`Regions.match_region`. ``province`` is set for PROVINCE and COUNTY
    (the county's province); ``choices`` (provinces and/or counties, best first) for AMBIGUOUS;
    ``place`` is the city that was typed when it is not the county's own name."""

    kind: MatchKind
    province: Province | None = None
    county: County | None = None
    choices: tuple[Province | County, ...] = ()
    place: str | None = None

    def province_choices(self) -> list[Province]:
        """The choices as provinces (a county stands for its province), without repeats."""
        seen: dict[str, Province] = {}
        for choice in self.choices:
            province = choice if isinstance(choice, Province) else get_province(choice.province_id)
            seen.setdefault(province.id, province)
        return list(seen.values())


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


def match_province(
    text: str, limit: int = 5, min_score: float = MIN_SCORE
) -> list[RegionCandidate[Province]]:
    return default_regions().match_province(text, limit, min_score)


def match_county(
    text: str, province_id: str | None = None, limit: int = 5, min_score: float = MIN_SCORE
) -> list[RegionCandidate[County]]:
    return default_regions().match_county(text, province_id, limit, min_score)


def match_region(text: str, province_id: str | None = None) -> RegionMatch:
    return default_regions().match_region(text, province_id)
