#!/usr/bin/env python3
"""Builds japanese_names.tsv.gz: Japanese family and given names written in kanji, with their
readings in Latin letters, from JMnedict.

Source: JMnedict (the Japanese proper names dictionary of the Electronic Dictionary Research and
Development Group, https://www.edrdg.org/enamdict/enamdict_doc.html), licensed CC BY-SA 4.0
(https://www.edrdg.org/edrdg/licence.html), as packaged in the SQLite file of the PyPI package
jamdict-data 1.5 (JMnedict of 2021). The derived table is under the same licence.

    pip download --no-deps jamdict-data==1.5 && tar xzf jamdict_data-1.5.tar.gz
    xz -d jamdict_data-1.5/jamdict_data/jamdict.db.xz
    python3 make_japanese_names.py jamdict_data-1.5/jamdict_data/jamdict.db | gzip -9n > japanese_names.tsv.gz

Each line: role (s: family name, g: given name), the name in kanji (1-3 characters, each one of
the joyo or jinmeiyo kanji, which KANJIDIC gives a school grade), and its readings, comma-
separated. JMnedict lists every reading a name is known to have ("山田": Yamada, Yamata,
Kumada, Oshita ...) and says nothing of how common each is; the readings kept are those of the
entries with the most kinds (a family name that is also a place name, a given name that is also
a family name), at most two: "山田" keeps Yamata and Yamada, "花子" Hanako, "田中" Tanaka.
Readings are JMnedict's own romanisations, macrons dropped ("Tarō" is "taro").
"""
import collections
import re
import sqlite3
import sys
import unicodedata

db = sqlite3.connect(sys.argv[1])
common = {
    r[0]
    for r in db.execute("select literal from character where grade is not null and grade != ''")
}
entries = collections.defaultdict(lambda: [None, set(), set()])
for idseq, kanji, kind, gloss in db.execute(
    """select k.idseq, k.text, tt.text, g.text from NEKanji k
       join NETranslation t on t.idseq = k.idseq
       left join NETransType tt on tt.tid = t.ID
       left join NETransGloss g on g.tid = t.ID"""
):
    e = entries[idseq]
    e[0] = kanji
    if kind:
        e[1].add(kind)
    if gloss:
        e[2].add(gloss)


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return s if re.fullmatch(r"[a-z]+", s) else None


roles = {"s": {"surname"}, "g": {"given", "masc", "fem"}}
found = collections.defaultdict(list)
for idseq, (kanji, kinds, glosses) in entries.items():
    if not kanji or not 1 <= len(kanji) <= 3 or not all(ch in common for ch in kanji):
        continue
    latin = [f for f in map(fold, glosses) if f]
    if len(latin) != 1:
        continue
    rank = len(kinds - {"unclass"})
    for role, wanted in roles.items():
        if kinds & wanted:
            found[(role, kanji)].append((rank, idseq, latin[0]))

print("# Japanese names in kanji and their readings: see make_japanese_names.py.")
print("# From JMnedict (EDRDG, CC BY-SA 4.0, https://www.edrdg.org/edrdg/licence.html).")
for (role, kanji), v in sorted(found.items()):
    top = max(r for r, _, _ in v)
    readings = []
    for r, _, latin in sorted(v, key=lambda x: (-x[0], x[1])):
        if r == top and latin not in readings:
            readings.append(latin)
    print(f"{role}\t{kanji}\t{','.join(readings[:2])}")
