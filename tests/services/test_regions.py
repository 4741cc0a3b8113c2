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
