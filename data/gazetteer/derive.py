#!/usr/bin/env python3
"""Derive data/gazetteer/divisions.tsv from the administrative-divisions CSVs.

Usage: python3 data/gazetteer/derive.py ../shared/gazetteer > data/gazetteer/divisions.tsv

Input: provinces.csv (code,name), cities.csv (code,name,provinceCode),
areas.csv (code,name,cityCode,provinceCode), streets.csv
(code,name,areaCode,provinceCode,cityCode), from
modood/Administrative-divisions-of-China (WTFPL, see LICENSE here).

Output: one line per division, sorted by code: code, level, name, parent
code. Levels: province, city, county, town. Two clean-ups, so that baogao
never shows a placeholder as a place:
* the city rows of the four municipalities are named 市辖区 or 县; they get
  the municipality's own name (北京市 is the city of 东城区);
* 省直辖县级行政区划 / 自治区直辖县级行政区划 are not cities: their counties
  get no city (an empty parent city), and the placeholder rows are dropped.
"""
import csv
import sys
from pathlib import Path

PLACEHOLDER_CITIES = {"市辖区", "县"}
DIRECT_COUNTIES = {"省直辖县级行政区划", "自治区直辖县级行政区划"}


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def main(src):
    src = Path(src)
    provinces = {r["code"]: r["name"] for r in rows(src / "provinces.csv")}
    out = []
    for code, name in provinces.items():
        out.append((code, "province", name, ""))
    dropped_cities = set()
    for r in rows(src / "cities.csv"):
        name = r["name"]
        if name in PLACEHOLDER_CITIES:
            name = provinces[r["provinceCode"]]
        if name in DIRECT_COUNTIES:
            dropped_cities.add(r["code"])
            continue
        out.append((r["code"], "city", name, r["provinceCode"]))
    for r in rows(src / "areas.csv"):
        parent = r["cityCode"]
        if parent in dropped_cities:
            # No city: the parent is the province itself.
            parent = r["provinceCode"]
        out.append((r["code"], "county", r["name"], parent))
    for r in rows(src / "streets.csv"):
        out.append((r["code"], "town", r["name"], r["areaCode"]))
    out.sort()
    w = sys.stdout
    w.write("# derived by data/gazetteer/derive.py from modood/Administrative-divisions-of-China (WTFPL)\n")
    w.write("# code\tlevel\tname\tparent\n")
    for code, level, name, parent in out:
        w.write(f"{code}\t{level}\t{name}\t{parent}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/gazetteer")
