#!/usr/bin/env python3
"""Regenerate data/controls/ear/{ccl.json.gz,country-chart.json,country-groups.json} from the
machine parses of the eCFR in ../shared/data/controls/ear_eacm (see data/controls/PROVENANCE.md).

Usage: python3 tools/gen_ear.py ../shared/data/controls/ear_eacm

What it does, so that the engine reads structured rows and never parses prose at run time:
- destinations become ISO 3166 alpha-2 codes (the chart's row names are mapped through the
  country table of chokepoint-model; an unmapped row stops the script);
- each CCL "License Requirements" row becomes {reason, scope, dest}: the paragraphs it covers
  (whole entry, listed paragraphs, or all but listed ones) and its destination rule (a chart
  column, worldwide, named countries, a Country Group expression, the UN embargo list of
  746.1(b), or a pointer to Part 746). A row whose scope or destination is prose we do not
  recognise keeps its text and is marked "manual": the engine then answers INDETERMINATE,
  never NLR;
- entries with no rows, or whose License Requirements text was swallowed into the heading by
  the upstream parse (a known defect: 0D606, 2B351, 3E001), are marked "manual" as a whole,
  except the all-destination entries of 738.3(a)(1), whose rows come from the chart's own list;
- licence-exception flags (LVS, GBS, TSR, STA …) are kept as value, yes/no, or prose.
"""
import gzip, json, re, sys, os

SRC = sys.argv[1]
OUT = "data/controls/ear"


def load_countries():
    names = {}
    for path in ("crates/model/data/countries.tsv", "crates/model/data/countries_aliases.tsv"):
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            code, alts = parts[0], parts[-1]
            for n in alts.split("|"):
                names.setdefault(norm(n), code)
    return names


def norm(s):
    s = s.lower().replace("’", "'").replace("ü", "u").replace("é", "e").replace("ô", "o")
    s = re.sub(r"\(the\)", "", s)
    return re.sub(r"\s+", " ", s).strip(" .")


# Chart row names the country table does not spell that way.
EXTRA = {
    "bahamas, the": "BS", "gambia, the": "GM", "burma": "MM", "congo (democratic republic of the)": "CD",
    "congo (republic of the)": "CG", "congo (democratic republic of)": "CD", "saint kitts & nevis": "KN", "cote d'ivoire": "CI", "cote d'lvoire": "CI", "seycheles": "SC",
    "micronesia (federated state of)": "FM", "sint maarten (the dutch two-fifths of the island of saint martin)": "SX",
    "vatican city": "VA", "st. kitts & nevis": "KN", "st. lucia": "LC", "st. vincent and the grenadines": "VC",
    "south sudan, republic of": "SS", "macau": "MO", "china (prc)": "CN", "china": "CN", "laos": "LA",
    "korea, north": "KP", "korea, south": "KR", "taiwan": "TW", "kosovo": "XK", "russia": "RU",
    "syria": "SY", "iran": "IR", "vietnam": "VN", "moldova": "MD", "tanzania": "TZ", "bolivia": "BO",
    "venezuela": "VE", "brunei": "BN", "cape verde": "CV", "cabo verde": "CV", "czech republic": "CZ",
    "east timor": "TL", "timor-leste": "TL", "eswatini": "SZ", "swaziland": "SZ", "macedonia, the former yugoslav republic of": "MK",
    "north macedonia": "MK", "netherlands antilles": "AN", "turkiye": "TR", "united states": "US",
    "st. kitts and nevis": "KN", "saint kitts and nevis": "KN", "sao tome & principe": "ST", "sao tome and principe": "ST",
    "trinidad & tobago": "TT", "trinidad and tobago": "TT", "antigua & barbuda": "AG", "bosnia & herzegovina": "BA",
    "palestinian territories": "PS", "west bank": "PS", "gaza": "PS", "nauru": "NR",
}


def iso(name, table):
    n = norm(name)
    if n in EXTRA:
        return EXTRA[n]
    if n in table:
        return table[n]
    MISSING.add(name)
    return "??"


MISSING = set()


COLUMN = re.compile(r"^(CB|NP|NS|MT|RS|FC|CC|AT)\s*Column\s*([123])\.?$", re.I)
REASON = re.compile(r"^(NS|MT|NP|CB|RS|FC|CC|AT|CW|EI|SS|SL|SI|UN)\b")
PARA = re.compile(r"^(?:\d[A-E]\d{3})?\.?([a-z](?:\.\d{1,2}(?:\.[a-z](?:\.\d{1,2}(?:\.[a-z])?)?)?)?)$")


def paragraphs(eccn, text):
    """'2B001.a, .b, .c, and .d' → ['a','b','c','d']; None when it is not a plain list."""
    text = text.strip().rstrip(".;:,")
    text = re.sub(r"\s+only$", "", text)
    text = re.sub(r"^(items|commodities|equipment)\s+(controlled\s+)?(by|in|under)\s+", "", text)
    text = re.sub(r"^paragraphs?\s+", "", text)
    text = re.sub(r"^(\d[A-E]\d{3})\s+\.", r"\1.", text)
    toks = [t for t in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", text) if t.strip()]
    out = []
    for t in toks:
        t = t.strip()
        m = re.match(r"^(\d[A-E]\d{3})", t)
        if m and m.group(1) != eccn:
            return None
        pm = PARA.match(t)
        if not pm:
            return None
        out.append(pm.group(1))
    return out or None


def scope_of(eccn, control):
    body = re.sub(r"^\w{2}\s+applies\s+to\s+", "", control.strip(), flags=re.I)
    if body == control.strip():
        return {"prose": control.strip()}
    b = body.strip().rstrip(".")
    if re.fullmatch(r"(the\s+)?entire entry", b, re.I):
        return {"all": True}
    m = re.fullmatch(r"(?:the\s+)?entire entry,?\s+except\s+(.+)", b, re.I)
    if m:
        ps = paragraphs(eccn, m.group(1))
        return {"except": ps} if ps else {"prose": control.strip()}
    # "2B001.a, .b, .c, and .d, EXCEPT: (1) …" — the paragraphs, with the carve-out kept as text.
    m = re.match(r"(.+?),?\s+EXCEPT\b:?\s*(.+)", b)
    head, carve = (m.group(1), m.group(2)) if m else (b, None)
    ps = paragraphs(eccn, head)
    if ps:
        out = {"only": ps}
        if carve:
            out["carve_out"] = carve.strip()
        return out
    return {"prose": control.strip()}


COUNTRY_WORDS = {"north korea": "KP", "iraq": "IQ", "pakistan": "PK", "china": "CN", "russia": "RU",
                 "venezuela": "VE", "macau": "MO", "united arab emirates": "AE", "canada": "CA"}


def dest_of(reason, chart):
    c = chart.strip()
    m = COLUMN.match(c)
    if m:
        return {"column": f"{m.group(1).upper()}{m.group(2)}"}
    m = re.match(r"^(?:(CB|NP|NS|MT|RS|FC|CC|AT) )?Column (\d)\.?(?:,? (See § [\d.()a-z]+.*))?$", c)
    if m and (m.group(1) or reason):
        out = {"column": f"{m.group(1) or reason}{m.group(2)}"}
        if m.group(3):
            out["note"] = m.group(3)
        return out
    if re.match(r"^See § ?7[46]6?4?\.1(\(b\))?( of the EAR)? for UN controls\.?$", c):
        return {"un": True}
    if re.match(r"^See § 746\.8 ", c):
        return {"see": "746.8"}
    if c.startswith("Worldwide control") or c.startswith("To or within any destination worldwide"):
        return {"worldwide": True}
    if re.match(r"^A license is required for ALL destinations, except Canada", c):
        return {"worldwide": True, "except_countries": ["CA"]}
    if re.match(r"^China, Russia,? or Venezuela", c):
        return {"countries": ["CN", "RU", "VE"]}
    m = re.match(r"^To or within (the United Arab Emirates or )?(Macau or )?(?:a )?destinations? specified in Country Groups? ([A-E]:\d(?:, [A-E]:\d)*(?:,? and [A-E]:\d)?)", c)
    if m:
        groups = re.findall(r"[A-E]:\d", m.group(3))
        out = {"groups": groups, "countries": (["AE"] if m.group(1) else []) + (["MO"] if m.group(2) else [])}
        ex = re.search(r"excluding any destination also specified in Country Groups? ([A-E]:\d(?: or [A-E]:\d)*)", c)
        if ex:
            out["except_groups"] = re.findall(r"[A-E]:\d", ex.group(1))
        return out
    m = re.match(r"^A license is required for (?:items controlled by (?:paragraph \.(\w) of )?this entry(?:, other than [\w.]+,)?|export or reexport of these items) (?:for export or reexport )?to (North Korea|Iraq or Pakistan|Iraq|Pakistan)\b", c)
    if m:
        codes = [COUNTRY_WORDS[w.strip().lower()] for w in m.group(2).split(" or ")]
        out = {"countries": codes}
        if m.group(1):
            out["paragraph"] = m.group(1)
        return out
    return {"prose": c}


def flag(v):
    """Licence-exception flag: None (N/A or absent), {"yes": true}, {"value": n}, or prose."""
    if v is None:
        return None
    s = v.strip()
    if re.fullmatch(r"N/A\.?", s):
        return None
    if re.fullmatch(r"Yes\.?", s):
        return {"yes": True}
    m = re.fullmatch(r"Yes, except N/A for (MT|UN)\.?|Yes, except (UN|MT)\.?", s)
    if m:
        return {"yes": True, "except_reasons": [m.group(1) or m.group(2)]}
    m = re.fullmatch(r"\$([\d,]+)\.?(?:, except N/A for (MT))?", s)
    if m:
        out = {"value": int(m.group(1).replace(",", ""))}
        if m.group(2):
            out["except_reasons"] = [m.group(2)]
        return out
    return {"prose": s}


def main():
    table = load_countries()
    ccl = json.load(open(os.path.join(SRC, "ccl.json"), encoding="utf-8"))
    chart = json.load(open(os.path.join(SRC, "country-chart.json"), encoding="utf-8"))
    groups = json.load(open(os.path.join(SRC, "country-groups.json"), encoding="utf-8"))

    all_dest = chart["allDestinationsEntries"]
    no_le = {"0A983", "5E980"}
    gov_only = {"5A980", "5D980"}
    entries = []
    for e in ccl["entries"]:
        eccn = e["eccn"]
        rows, manual = [], None
        swallowed = "License Requirements" in e["heading"]
        for r in e["countryChart"]:
            control, ch = r["control"], r["countryChart"]
            if r.get("singleCellRow"):
                m = re.match(r"^(.*?)\s*((?:CB|NP|NS|MT|RS|FC|CC|AT) Column \d\.?)$", control)
                if m:
                    control, ch = m.group(1), m.group(2)
            rm = REASON.match(control.strip())
            # Two reasons written as one row ("NP applies to entire entry AT applies to entire
            # entry — NP Column 1 AT Column 1").
            two = re.fullmatch(r"(\w\w applies to entire entry) (\w\w applies to entire entry)", control.strip())
            cols2 = re.fullmatch(r"(\w\w Column \d) (\w\w Column \d)", ch.strip())
            if two and cols2:
                for ctl, col in ((two.group(1), cols2.group(1)), (two.group(2), cols2.group(2))):
                    rows.append({"reason": ctl[:2], "scope": {"all": True}, "dest": dest_of(ctl[:2], col),
                                 "text": f"{ctl} — {col}"})
                continue
            if re.match(r"^Russian industry sector sanctions? appl", control):
                rows.append({"reason": "RS746", "scope": {"all": True}, "dest": {"see": "746.8"},
                             "text": f"{control.strip()} — {ch.strip()}"})
                continue
            row = {
                "reason": rm.group(1) if rm else None,
                "scope": scope_of(eccn, control),
                "dest": dest_of(rm.group(1) if rm else None, ch),
                "text": f"{control.strip()} — {ch.strip()}",
            }
            if row["reason"] is None or "prose" in row["dest"]:
                row["manual"] = True
            rows.append(row)
        if eccn in no_le or eccn in gov_only:
            rows = [{"reason": "CC" if eccn == "0A983" else "SL" if eccn.endswith("980") else "EI",
                     "scope": {"all": True}, "dest": {"worldwide": True},
                     "text": f"{all_dest['citation']}: {all_dest['note']}"}]
            swallowed = False
        if swallowed:
            manual = "the License Requirements of this entry were not parsed apart from its heading (known defect of the source parse); its control rows are not reliable"
        elif not rows:
            manual = ("subject to the ITAR (22 CFR 120–130), outside the EAR" if "subject to the ITAR" in e["heading"]
                      else "licence requirements stated in prose or by reference; not in the data")
        le = e.get("licenceExceptionFlags") or {}
        entries.append({
            "eccn": eccn,
            "heading": e["heading"],
            "reasons": [x.strip() for x in (e.get("reasonForControl") or "").split(",") if x.strip()],
            "rows": rows,
            "lvs": flag(le.get("LVS")),
            "gbs": flag(le.get("GBS")),
            "tsr": flag(le.get("TSR")),
            "sta": le.get("STA"),
            "no_exceptions": eccn in no_le,
            "gov_only": eccn in gov_only,
            "itar": "subject to the ITAR" in e["heading"] and not rows,
            "manual": manual,
            "paragraphs": e.get("topLevelParagraphs") or {},
        })
    meta = {"dataset": "ccl", "citation": ccl["citation"], "effective": ccl["ecfrIssueDate"],
            "source": ccl["source"]["url"], "generated_by": "tools/gen_ear.py"}
    with gzip.open(os.path.join(OUT, "ccl.json.gz"), "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(json.dumps({**meta, "entries": entries}, ensure_ascii=False, separators=(",", ":")))
    n_manual_rows = sum(1 for e in entries for r in e["rows"] if r.get("manual"))
    n_manual = sum(1 for e in entries if e["manual"])
    print(f"ccl: {len(entries)} entries, {n_manual} manual entries, {n_manual_rows} manual rows", file=sys.stderr)

    cols = {c: c.replace(" ", "") for c in chart["columns"]}
    rows = {}
    for name, r in chart["countries"].items():
        code = iso(name, table)
        if code in rows and code != "??":
            raise SystemExit(f"gen_ear: two chart rows for {code}")
        rows[code] = {"name": name, "marks": sorted(cols[m] for m in r["marks"]), "footnotes": r["footnotes"]}
    pointer = {iso(n, table): {"name": n, **v} for n, v in chart["embargoed"].items()}
    territories = {iso(k, table): {"row": iso(v["row"], table), "basis": v["basis"]}
                   for k, v in chart["territoryInheritance"].items()}
    out = {"dataset": "country-chart", "citation": chart["citation"], "effective": chart["ecfrIssueDate"],
           "source": chart["source"]["url"], "generated_by": "tools/gen_ear.py",
           "columns": [cols[c] for c in chart["columns"]], "rows": rows, "pointer_rows": pointer,
           "footnotes": chart["footnotes"], "territories": territories}
    json.dump(out, open(os.path.join(OUT, "country-chart.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1, sort_keys=True)
    g = {k: sorted(iso(n, table) for n in v) for k, v in groups["groups"].items()}
    out = {"dataset": "country-groups", "citation": groups["citation"], "effective": groups["ecfrIssueDate"],
           "source": groups["source"]["url"], "generated_by": "tools/gen_ear.py", "labels": groups["labels"],
           "notes": groups["notes"], "groups": g}
    json.dump(out, open(os.path.join(OUT, "country-groups.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1, sort_keys=True)
    if MISSING:
        raise SystemExit(f"gen_ear: no ISO code for chart/group names {sorted(MISSING)}")
    print(f"chart: {len(rows)} rows + {len(pointer)} pointer rows; groups: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(g.items())), file=sys.stderr)


main()
