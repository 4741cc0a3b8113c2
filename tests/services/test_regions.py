import json
from pathlib import Path

import pytest

from services import regions
from services.regions import Regions, RegionsDataError, UnknownRegionError

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def data() -> Regions:
    return regions.default_regions()


def test_counts_and_ids(data: Regions) -> None:
    provinces = data.provinces()
    assert len(provinces) == 31
    assert [p.id for p in provinces] == [f"{i:02d}" for i in range(31)]
    total = sum(len(data.counties(p.id)) for p in provinces)
    assert 430 <= total <= 500
    assert total == len(data.all_counties()) == 484
    for province in provinces:
        for county in data.counties(province.id):
            assert county.id.startswith(province.id) and len(county.id) == 4
            assert county.province_id == province.id


def test_names_are_normalised(data: Regions) -> None:
    for region in [*data.provinces(), *data.all_counties()]:
        assert "ي" not in region.name_fa and "ك" not in region.name_fa
        assert region.name_fa == region.name_fa.strip() and "  " not in region.name_fa
        assert f" {ZWNJ}" not in region.name_fa and f"{ZWNJ} " not in region.name_fa
        assert region.name_en.isascii() and region.name_en


def test_lookups(data: Regions) -> None:
    tehran = regions.get_province("23")
    assert tehran.name_fa == "تهران" and tehran.name_en == "Tehran" and tehran.iso_3166_2 == "IR-23"
    assert regions.get_county("2301").name("en") == "Tehran"
    assert regions.get_county("1002").name() == "اصفهان"
    assert regions.county_in_province("1002", "10")
    assert not regions.county_in_province("1002", "23")
    assert not regions.county_in_province("9999", "23")
    assert [c.id for c in regions.counties("25")] == ["2501", "2502", "2503"]
    with pytest.raises(UnknownRegionError):
        regions.get_province("99")
    with pytest.raises(UnknownRegionError):
        regions.get_county("0000")
    with pytest.raises(UnknownRegionError):
        regions.counties("31")
    assert data.find_county("0000") is None and data.find_province("23") is tehran


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تهران", "23"),
        ("استان تهران", "23"),
        ("  استانِ  تهران ", "23"),
        ("اصفحان", "10"),  # typo
        ("سيستان", "11"),  # Arabic yeh, short form
        ("آذربايجان غربي", "04"),
        ("آذربایجان‌شرقی", "03"),
        ("east azerbaijan", "03"),
        ("Khorasan Razavi", "09"),
        ("chaharmahal", "14"),
        ("کهکیلویه", "17"),
        ("ايلام", "16"),
        ("البرز", "30"),
        ("خراسان جنوبی", "29"),
        ("استان قم", "25"),
    ],
)
def test_match_province(text: str, expected: str) -> None:
    matches = regions.match_province(text)
    assert matches, text
    assert matches[0].region.id == expected, [(m.region.name_fa, m.score) for m in matches]
    assert matches == sorted(matches, key=lambda m: -m.score)


@pytest.mark.parametrize(
    ("text", "province", "expected"),
    [
        ("خمینی شهر", "10", "1003"),
        (f"خمینی{ZWNJ}شهر", "10", "1003"),
        ("خمینيشهر", "10", "1003"),  # no space, Arabic yeh
        ("شهرستان نجف اباد", "10", "1014"),
        ("نجفآباد", None, "1014"),
        ("شهر بابک", None, "0807"),
        ("چاه بهار", None, "1102"),
        ("چابهار", "11", "1102"),
        ("اسلام اباد غرب", None, "0501"),
        ("مشهد", "09", "0916"),
        ("مشحد", None, "0916"),  # typo
        ("ری", None, "2303"),
        ("شهر ری", "23", "2303"),
        ("قایمشهر", None, "0210"),
        ("karaj", None, "3001"),
        ("Tehran", "23", "2301"),
        ("بندر عباس", None, "2202"),
        ("بندرعباس", "22", "2202"),
        ("کرمانشاه", "05", "0502"),
        ("دره شهر", "16", "1602"),
        ("شاهین شهر", "10", "1016"),
        ("تیران وکرون", "10", "1019"),
    ],
)
def test_match_county(text: str, province: str | None, expected: str) -> None:
    matches = regions.match_county(text, province)
    assert matches, text
    assert matches[0].region.id == expected, [(m.region.name_fa, m.score) for m in matches]


def test_match_county_is_limited_to_the_province() -> None:
    assert all(m.region.province_id == "23" for m in regions.match_county("کرج", "23"))
    assert regions.match_county("کرج", "30")[0].region.id == "3001"


def test_match_scores_and_limits() -> None:
    exact = regions.match_county("اصفهان", "10")[0]
    assert exact.score == 100.0 and exact.score >= regions.CONFIDENT_SCORE
    assert len(regions.match_county("آباد", None, limit=3)) <= 3
    assert regions.match_province("") == []
    assert regions.match_province("   ") == []
    assert regions.match_province("😀😀") == []
    assert regions.match_province("zzzzqqqq") == []
    short = regions.match_county("ری")
    assert short[0].region.id == "2303" and all(m.score < 90 for m in short[1:])
    with pytest.raises(UnknownRegionError):
        regions.match_county("تهران", "99")


def test_load_rejects_bad_data(tmp_path: Path) -> None:
    good = json.loads(regions.DEFAULT_PATH.read_text(encoding="utf-8"))
    bad = json.loads(json.dumps(good))
    bad["provinces"][1]["counties"][0]["id"] = "0001"  # a Gilan county with a Markazi code
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegionsDataError, match="0001"):
        Regions.load(path)
    missing = json.loads(json.dumps(good))
    del missing["provinces"][0]["name_fa"]
    path.write_text(json.dumps(missing, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegionsDataError):
        Regions.load(path)


def test_shipped_file_matches_its_builder() -> None:
    from data.build_regions import build, dump

    assert dump(build()) == regions.DEFAULT_PATH.read_text(encoding="utf-8")


# --- match_region: one answer for a typed place name ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "province", "county", "place"),
    [
        # cities whose county bears their name: the county, in its province
        ("مشهد", "09", "0916", None),
        ("اهواز", "06", "0603", None),
        ("تبریز", "03", "0303", None),
        ("شیراز", "07", "0707", None),
        ("کرج", "30", "3001", None),
        ("رشت", "01", "0105", None),
        ("شهر مشهد", "09", "0916", None),
        ("شيراز", "07", "0707", None),  # Arabic yeh
        # Finglish and English
        ("Mashhad", "09", "0916", None),
        ("mashad", "09", "0916", None),  # common misspelling
        ("Tabriz", "03", "0303", None),
        ("Ahvaz", "06", "0603", None),
        ("Ahwaz", "06", "0603", None),
        ("Karaj", "30", "3001", None),
        # county seats and towns with their own names
        ("یاسوج", "17", "1701", "یاسوج"),
        ("زرین‌شهر", "10", "1012", "زرین شهر"),
        ("زرین شهر", "10", "1012", "زرین شهر"),
        ("برازجان", "18", "1803", "برازجان"),
        ("دوگنبدان", "17", "1703", "دوگنبدان"),
        ("تجریش", "23", "2304", "تجریش"),
        ("کیش", "22", "2203", "کیش"),
    ],
)
def test_a_typed_city_lands_on_its_county(text: str, province: str, county: str, place: str | None) -> None:
    found = regions.match_region(text)
    assert found.kind is regions.MatchKind.COUNTY, (text, found)
    assert found.province is not None and found.province.id == province
    assert found.county is not None and found.county.id == county
    assert found.place == place


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("اصفهان", "10"),  # the province; its county comes next in every picker
        ("استان اصفهان", "10"),
        ("تهران", "23"),
        ("Tehran province", "23"),
        ("تهرن", "23"),  # a typo far ahead of every other province
        ("Esfehan", "10"),
        ("کرمانشاه", "05"),
        ("Khorasan Razavi", "09"),
        ("خراسان شمالی", "28"),
        ("chaharmahal", "14"),  # not "Ahar" inside it
    ],
)
def test_a_typed_province(text: str, province: str) -> None:
    found = regions.match_region(text)
    assert found.kind is regions.MatchKind.PROVINCE, (text, found)
    assert found.province is not None and found.province.id == province


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("خراسان", ["09", "28", "29"]),
        ("Khorasan", ["09", "28", "29"]),
        ("استان خراسان", ["09", "28", "29"]),
        ("آذربایجان", ["03", "04"]),
        ("azerbaijan", ["03", "04"]),
    ],
)
def test_a_name_shared_by_provinces_asks_which(text: str, choices: list[str]) -> None:
    found = regions.match_region(text)
    assert found.kind is regions.MatchKind.AMBIGUOUS
    assert [c.id for c in found.choices] == choices
    assert [p.id for p in found.province_choices()] == choices


def test_a_town_in_several_counties_offers_them() -> None:
    found = regions.match_region("محمدآباد")
    assert found.kind is regions.MatchKind.AMBIGUOUS and len(found.choices) >= 2
    assert all(isinstance(c, regions.County) for c in found.choices)


def test_a_near_miss_is_a_question_not_another_town() -> None:
    found = regions.match_region("اسفهان")  # one letter from «اسفهلان», a town near Tabriz
    assert found.kind is regions.MatchKind.AMBIGUOUS
    assert found.choices[0].id == "10"
    near = regions.match_region("مشحد")
    assert near.kind is regions.MatchKind.AMBIGUOUS and near.choices[0].id == "0916"


@pytest.mark.parametrize("text", ["", "   ", "نیویورک", "hello", "۱۲۳", "😀"])
def test_nothing(text: str) -> None:
    assert regions.match_region(text).kind is regions.MatchKind.NOTHING


def test_within_a_province_only_its_counties_and_towns() -> None:
    assert regions.match_region("لار", "07").county.id == "0711"  # type: ignore[union-attr]
    assert regions.match_region("اصفهان", "10").county.id == "1002"  # type: ignore[union-attr]
    assert regions.match_region("مشهد", "07").kind is not regions.MatchKind.COUNTY
    with pytest.raises(UnknownRegionError):
        regions.match_region("مشهد", "99")
