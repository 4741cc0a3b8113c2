"""Build data/regions.json from the verbatim source tables in data/sources/.

Run from the repository root:  python -m data.build_regions   (or python data/build_regions.py)

Every change made to a source name is listed in FA_FIXES below, so the difference between the
source and what the bot shows is reviewable in one place. See data/SOURCES.md.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUT = HERE / "regions.json"

ZWNJ = "\u200c"

# Source spelling -> spelling shown by the bot. Only spacing / ZWNJ and a few standard spellings.
# The source spelling is kept as an alias so that typed input in either form still matches.
FA_FIXES: dict[str, str] = {
    "اسلام آبادغرب": f"اسلام{ZWNJ}آباد غرب",
    "قصرشیرین": "قصر شیرین",
    "گیلانغرب": "گیلان غرب",
    "بندر عباس": "بندرعباس",
    "بندر لنگه": "بندرلنگه",
    "خمینی شهر": f"خمینی{ZWNJ}شهر",
    "چاه بهار": "چابهار",
    "نیک شهر": f"نیک{ZWNJ}شهر",
    "خرم آباد": f"خرم{ZWNJ}آباد",
    "دره شهر": f"دره{ZWNJ}شهر",
    "مهدی شهر": f"مهدی{ZWNJ}شهر",
    "حاجی آباد": f"حاجی{ZWNJ}آباد",
    "بیله سوار": f"بیله{ZWNJ}سوار",
    "مشگین شهر": f"مشگین{ZWNJ}شهر",
    "پارس آباد": f"پارس{ZWNJ}آباد",
    "بویین زهرا": f"بوئین{ZWNJ}زهرا",
    "علی آباد کتول": f"علی{ZWNJ}آباد کتول",
    "گنبدکاووس": "گنبد کاووس",
    "بام و صفی آباد": f"بام و صفی{ZWNJ}آباد",
    "صومعه سرا": f"صومعه{ZWNJ}سرا",
    "قایم شهر": f"قائم{ZWNJ}شهر",
    "عباس آباد": f"عباس{ZWNJ}آباد",
    "بستان آباد": f"بستان{ZWNJ}آباد",
    "عجب شیر": f"عجب{ZWNJ}شیر",
    "خدا آفرین": "خداآفرین",
    "شاهین دژ": f"شاهین{ZWNJ}دژ",
    "مسجدسلیمان": "مسجد سلیمان",
    "باغ ملک": f"باغ{ZWNJ}ملک",
    "نی ریز": f"نی{ZWNJ}ریز",
    "خرم بید": f"خرم{ZWNJ}بید",
    "زرین دشت": f"زرین{ZWNJ}دشت",
    "قیرو کارزین": "قیر و کارزین",
    "بیضاء": "بیضا",
    "کوه چنار": f"کوه{ZWNJ}چنار",
    "رودبارجنوب": "رودبار جنوب",
    "قلعه گنج": f"قلعه{ZWNJ}گنج",
    "خلیل آباد": f"خلیل{ZWNJ}آباد",
    "مه ولات": f"مه{ZWNJ}ولات",
    "صالح آباد": f"صالح{ZWNJ}آباد",
    "میان جلگه": f"میان{ZWNJ}جلگه",
    "نجف آباد": f"نجف{ZWNJ}آباد",
    "شاهین شهرو میمه": f"شاهین{ZWNJ}شهر و میمه",
    "تیران وکرون": "تیران و کرون",
    "بویین و میاندشت": "بوئین و میاندشت",
    "فرخ شهر": f"فرخ{ZWNJ}شهر",
    "رباطکریم": f"رباط{ZWNJ}کریم",
    "مراوه تپه": f"مراوه{ZWNJ}تپه",
    "عشق آباد": f"عشق{ZWNJ}آباد",
}

# Extra spellings people type, beyond the source spelling. Keyed by the shown (fixed) name.
EXTRA_ALIASES: dict[str, list[str]] = {
    # provinces
    "آذربایجان شرقی": ["آذربایجان شرق", "آذربایجان‌شرقی"],
    "آذربایجان غربی": ["آذربایجان غرب", "آذربایجان‌غربی"],
    "چهارمحال و بختیاری": ["چهارمحال", "چهار محال و بختیاری", "بختیاری"],
    "کهگیلویه و بویراحمد": ["کهگیلویه", "کهکیلویه و بویراحمد"],
    "سیستان و بلوچستان": ["سیستان", "بلوچستان"],
    "اصفهان": ["اصفحان", "Esfahan"],
    # counties
    "چابهار": ["چاه‌بهار"],
    "نیشابور": ["نیشاپور"],
    "ارومیه": ["اورمیه"],
    "شهرکرد": ["شهر کرد"],
    "شهرضا": ["شهر رضا"],
    f"قائم{ZWNJ}شهر": [f"قایم{ZWNJ}شهر"],
}


def _clean(name: str) -> str:
    name = name.replace("ي", "ی").replace("ك", "ک").strip()
    return " ".join(name.split())


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _key(name: str) -> str:
    """Spacing-insensitive form for comparing names (ZWNJ, spaces)."""
    return _clean(name).replace(ZWNJ, "").replace(" ", "")


def _places(county_names: dict[str, set[str]]) -> dict[str, list[str]]:
    """Cities (شهر) of every county, by source county id, for typed names that are not the
    county's own (یاسوج in بویراحمد, زرین‌شهر in لنجان). The source's urban zones («تبریز1»,
    «یزد_منطقه تاریخی») are left out."""
    places: dict[str, set[str]] = {}
    for row in _read(SOURCES / "sajaddp-cities.tsv"):
        name = _clean(row["name"])
        if any(ch.isdigit() or ch == "_" for ch in name):
            continue
        if _key(name) in county_names[row["county_id"]]:
            continue
        places.setdefault(row["county_id"], set()).add(FA_FIXES.get(name, name))
    return {county: sorted(names) for county, names in places.items()}


def build() -> dict[str, object]:
    english = {row["source_id"]: row["name_en"] for row in _read(SOURCES / "names-en.tsv")}
    county_names: dict[str, set[str]] = {}
    for row in _read(SOURCES / "sajaddp-counties.tsv"):
        name = _clean(row["name"])
        fixed = FA_FIXES.get(name, name)
        county_names[row["id"]] = {_key(n) for n in (name, fixed, *EXTRA_ALIASES.get(fixed, []))}
    places = _places(county_names)
    provinces: dict[str, dict[str, object]] = {}
    for row in _read(SOURCES / "sajaddp-provinces.tsv"):
        code = f"{int(row['id']) - 100:02d}"
        name = _clean(row["name"])
        aliases = sorted(set(EXTRA_ALIASES.get(name, [])))
        provinces[row["id"]] = {
            "id": code,
            "iso_3166_2": f"IR-{code}",
            "name_fa": name,
            "name_en": english[row["id"]],
            "aliases": aliases,
            "source_id": int(row["id"]),
            "counties": [],
        }
    for row in _read(SOURCES / "sajaddp-counties.tsv"):
        province = provinces[row["province_id"]]
        county_no = int(row["id"][3:])
        source_name = _clean(row["name"])
        name = FA_FIXES.get(source_name, source_name)
        aliases = set(EXTRA_ALIASES.get(name, []))
        if name != source_name:
            aliases.add(source_name)
        county = {
            "id": f"{province['id']}{county_no:02d}",
            "name_fa": name,
            "name_en": english[row["id"]],
            "aliases": sorted(aliases),
            "places": places.get(row["id"], []),
            "source_id": int(row["id"]),
        }
        counties = province["counties"]
        assert isinstance(counties, list)
        counties.append(county)
    ordered = sorted(provinces.values(), key=lambda p: str(p["id"]))
    for province in ordered:
        counties = province["counties"]
        assert isinstance(counties, list)
        counties.sort(key=lambda c: c["id"])
    return {
        "schema": 1,
        "dataset": {
            "title": "Iran provinces (استان), counties (شهرستان) and their cities (places)",
            "source": "sajaddp/list-of-cities-in-Iran, dataset 3.0.0 (official divisions workbook, 1404)",
            "source_year_jalali": 1404,
            "retrieved": "2026-11-30",
            "license": "GPL-3.0 (inherited from the source; see data/SOURCES.md)",
            "ids": "id = official two-digit province code; county id = province code + two-digit county code",
            "name_en": "all English names are a transliteration by the Hamdel team, not from the source",
            "places": "cities of each county from the source's dist/csv/cities.csv (2.x, commit 4749422); see SOURCES.md",
        },
        "provinces": ordered,
    }


def dump(data: dict[str, object]) -> str:
    """JSON with one county per line, so that a diff of the file stays readable."""

    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        "{",
        f' "schema": {one(data["schema"])},',
        f' "dataset": {json.dumps(data["dataset"], ensure_ascii=False, indent=2)},',
    ]
    lines.append(' "provinces": [')
    provinces = data["provinces"]
    assert isinstance(provinces, list)
    for p_index, province in enumerate(provinces):
        head = {k: v for k, v in province.items() if k != "counties"}
        lines.append(f'  {one(head)[:-1]}, "counties": [')
        counties = province["counties"]
        for c_index, county in enumerate(counties):
            lines.append(f"   {one(county)}{',' if c_index < len(counties) - 1 else ''}")
        lines.append(f"  ]}}{',' if p_index < len(provinces) - 1 else ''}")
    lines.append(" ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == data
    return text


def main() -> None:
    data = build()
    OUT.write_text(dump(data), encoding="utf-8")
    provinces = data["provinces"]
    assert isinstance(provinces, list)
    print(f"{len(provinces)} provinces, {sum(len(p['counties']) for p in provinces)} counties -> {OUT}")


if __name__ == "__main__":
    main()
