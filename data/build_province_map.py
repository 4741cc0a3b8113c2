"""Build data/iran-provinces-map.json (the console's map of the provinces) from the npm package
react-iran-map 0.1.3 (MIT; see data/SOURCES.md):

    npm pack react-iran-map@0.1.3 && tar xzf react-iran-map-0.1.3.tgz
    python data/build_province_map.py package/dist/esm/components/mapSvg/IranMapWrapper.js

Only the 31 provinces' outlines are kept (the package's labels and decorations are not), each
under its official province id from data/regions.json (matched by its Persian name), polygons
written as paths, coordinates rounded to one decimal, the viewBox fitted to the outlines.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "iran-provinces-map.json"
# The outlines' bounding box (12.8, 92.2, 1004.5 × 898.7, measured with a browser's getBBox)
# and a few units of margin: relative path commands make it costly to compute here.
VIEW_BOX = "8 87 1014 909"
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE]-?\d+)?")


def _round(text: str) -> str:
    """Numbers to one decimal, each set apart by a space or its sign («1.2.3» is 1.2 then .3)."""
    rounded = NUMBER.sub(lambda m: " " + (f"{float(m.group()):.1f}".rstrip("0").rstrip(".") or "0"), text)
    tidy = re.sub(r"\s*([A-Za-z])\s*", r"\1", rounded).replace(" -", "-")
    return re.sub(r"\s+", " ", tidy).strip()


def _name_key(name: str) -> str:
    return name.replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ").replace(" ", "")


def build(source: str) -> dict[str, object]:
    regions = json.loads((HERE / "regions.json").read_text(encoding="utf-8"))
    ids = {_name_key(p["name_fa"]): p["id"] for p in regions["provinces"]}
    shapes: dict[str, str] = {}
    for kind, body in re.findall(r'React\.createElement\("(path|polygon)", \{(.*?)\}\)', source, re.S):
        named = re.search(r'"data-name": \'([^\']*)\'', body)
        drawn = re.search(r"\b(d|points): '([^']*)'", body)
        if not named or not drawn:
            continue
        name = json.loads('"' + named.group(1) + '"')
        province = ids.get(_name_key(name))
        if province is None:
            raise SystemExit(f"no province named {name!r} in regions.json")
        path = drawn.group(2) if kind == "path" else "M" + drawn.group(2).strip() + "Z"
        path = path.replace("\\r", " ").replace("\\n", " ").replace("\\t", " ").replace(",", " ")
        shapes[province] = _round(" ".join(path.split()))
    if len(shapes) != len(ids):
        raise SystemExit(f"{len(shapes)} provinces drawn, regions.json has {len(ids)}")
    return {
        "source": "react-iran-map 0.1.3 (npm, MIT, © 2023 Sima Mojtahedi)",
        "view_box": VIEW_BOX,
        "provinces": dict(sorted(shapes.items())),
    }


if __name__ == "__main__":
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    OUTPUT.write_text(json.dumps(build(text), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")
