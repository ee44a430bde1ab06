"""Build the packaged careers catalogue from O*NET, ESCO and curated facts.

REQUIRES the shared data folder (../shared/data/taxonomy, not shipped with the
project): O*NET 29.2 text files (CC BY 4.0) and the ESCO v1.2 CSV export and
occupation profiles (European Commission, reuse with attribution).

    .venv/bin/python scripts/build_careers_catalogue.py [--data ../shared/data]

Writes (small, committed):
    src/socialproof/data/careers/catalogue.json   roles, skills, tools, platforms,
        KPIs, certifications, industries, paths, O*NET and ESCO facts, attribution
    src/socialproof/data/careers/esco_skill_labels.txt   the ESCO v1.2 skill and
        knowledge labels that occupations use (linking targets), one a line
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "scripts" / "careers_curated.yaml"
OUT = ROOT / "src" / "socialproof" / "data" / "careers"

ONET_SOURCE = {
    "name": "O*NET 29.2 Database",
    "publisher": "U.S. Department of Labor, Employment and Training Administration (USDOL/ETA)",
    "licence": "CC BY 4.0",
    "url": "https://www.onetcenter.org/database.html",
    "attribution": "This product includes information from the O*NET 29.2 Database by the U.S. "
    "Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the "
    "CC BY 4.0 license. O*NET is a trademark of USDOL/ETA.",
    "as_of": "2025-02",
}
ESCO_SOURCE = {
    "name": "ESCO v1.2.0",
    "publisher": "European Commission",
    "licence": "Reuse authorised with acknowledgement (Commission Decision 2011/833/EU)",
    "url": "https://esco.ec.europa.eu/",
    "attribution": "ESCO, European Commission (v1.2.0).",
    "as_of": "2024",
}

csv.field_size_limit(sys.maxsize)


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _onet(data: Path, codes: set[str]) -> dict[str, Any]:
    onet = data / "taxonomy" / "onet"
    occ = {r["O*NET-SOC Code"]: r for r in _tsv(onet / "Occupation Data.txt")}
    zones = {r["O*NET-SOC Code"]: r["Job Zone"] for r in _tsv(onet / "Job Zones.txt")}
    alts: dict[str, list[str]] = defaultdict(list)
    for r in _tsv(onet / "Alternate Titles.txt"):
        if r["O*NET-SOC Code"] in codes:
            alts[r["O*NET-SOC Code"]].append(r["Alternate Title"])
    tasks: dict[str, list[str]] = defaultdict(list)
    for r in _tsv(onet / "Task Statements.txt"):
        if r["O*NET-SOC Code"] in codes and r["Task Type"] == "Core":
            tasks[r["O*NET-SOC Code"]].append(r["Task"])
    hot: dict[str, list[str]] = defaultdict(list)
    for r in _tsv(onet / "Technology Skills.txt"):
        if r["O*NET-SOC Code"] in codes and r["Hot Technology"] == "Y":
            hot[r["O*NET-SOC Code"]].append(r["Example"])
    related: dict[str, list[str]] = defaultdict(list)
    for r in _tsv(onet / "Related Occupations.txt"):
        if r["O*NET-SOC Code"] in codes and r["Relatedness Tier"] == "Primary-Short":
            related[r["O*NET-SOC Code"]].append(r["Related O*NET-SOC Code"])
    keep = ("social", "community", "content", "digital", "media", "influencer", "marketing")
    out: dict[str, Any] = {}
    for code in sorted(codes):
        if code not in occ:
            raise SystemExit(f"O*NET code {code} not found in Occupation Data.txt")
        out[code] = {
            "code": code,
            "title": occ[code]["Title"],
            "description": occ[code]["Description"],
            "job_zone": int(zones[code]) if code in zones else None,
            "social_alternate_titles": sorted(
                {t for t in alts[code] if any(k in t.lower() for k in keep)}
            )[:25],
            "core_tasks": tasks[code][:6],
            "hot_technologies": sorted(set(hot[code]))[:20],
            "related": related[code][:8],
            "source": "onet",
        }
    return out


def _esco(data: Path, labels: set[str]) -> tuple[dict[str, Any], list[str]]:
    esco = data / "taxonomy" / "esco"
    occ = {r["preferredLabel"]: r for r in _csv(esco / "occupations_en.csv")}
    rel: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"essential": [], "optional": []})
    all_labels: set[str] = set()
    for r in _csv(esco / "occupation_skill_labels_v1.2.0.csv"):
        all_labels.add(r["skill_label"])
        if r["occupation_label"] in labels:
            rel[r["occupation_label"]][r["relation_type"]].append(r["skill_label"])
    out: dict[str, Any] = {}
    for label in sorted(labels):
        if label not in occ:
            raise SystemExit(f"ESCO occupation {label!r} not found in occupations_en.csv")
        r = occ[label]
        out[label] = {
            "label": label,
            "uri": r["conceptUri"],
            "isco_group": r["iscoGroup"],
            "alt_labels": [a for a in r["altLabels"].splitlines() if a][:15],
            "essential_skills": sorted(rel[label]["essential"]),
            "optional_skills": sorted(rel[label]["optional"]),
            "source": "esco",
        }
    return out, sorted(all_labels)


def _esco_uris(data: Path) -> dict[str, str]:
    esco = data / "taxonomy" / "esco"
    uris: dict[str, str] = {}
    for name in (
        "digitalSkillsCollection_en.csv",
        "transversalSkillsCollection_en.csv",
        "languageSkillsCollection_en.csv",
        "greenSkillsCollection_en.csv",
    ):
        for r in _csv(esco / name):
            uris.setdefault(r["preferredLabel"], r["conceptUri"])
    return uris


def build(data: Path) -> dict[str, Any]:
    cur = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    curated_src = {
        "name": "socialproof curated",
        "licence": cur["licence"],
        "source": cur["source"],
        "as_of": cur["as_of"],
    }
    skill_ids = {s["id"] for s in cur["skills"]}
    tool_ids = {t["id"] for t in cur["tools"]}
    platform_ids = {p["id"] for p in cur["platforms"]}
    kpi_ids = {k["id"] for k in cur["kpis"]}
    role_ids = {r["id"] for r in cur["roles"]}
    problems: list[str] = []

    def check(kind: str, ids: set[str], used: list[str], where: str) -> None:
        problems.extend(f"{where}: unknown {kind} {u!r}" for u in used if u not in ids)

    onet_codes: set[str] = set()
    esco_occ: set[str] = set()
    for role in cur["roles"]:
        where = f"role {role['id']}"
        skills = role["skills"]
        norm = {}
        for sid, val in skills.items():
            if isinstance(val, int):
                val = {"importance": val, "must": False}
            val.setdefault("must", False)
            norm[sid] = val
        role["skills"] = norm
        check("skill", skill_ids, list(norm), where)
        check("tool", tool_ids, role["tools"], where)
        check("platform", platform_ids, role["platforms"], where)
        check("kpi", kpi_ids, role["kpis"], where)
        onet_codes.update(role["onet"])
        esco_occ.update(role["esco"])
        role.setdefault("adjacent", False)
        role["source"] = "curated"
    for group, spec in cur["industry_groups"].items():
        check("skill", skill_ids, list(spec["skills"]), f"industry group {group}")
        check("kpi", kpi_ids, spec["kpis"], f"industry group {group}")
    for cert in cur["certifications"]:
        check("skill", skill_ids, cert["skills"], f"certification {cert['id']}")
        cert["source"] = "curated"
    for edge in cur["paths"]:
        check("role", role_ids, [edge["from"], edge["to"]], "path")
        check("skill", skill_ids, edge["adds"], f"path {edge['from']}->{edge['to']}")
        edge["source"] = "curated"

    onet = _onet(data, onet_codes)
    esco, esco_labels = _esco(data, esco_occ)
    label_set = set(esco_labels)
    uris = _esco_uris(data)
    for skill in cur["skills"]:
        for label in skill.get("esco", []):
            if label not in label_set:
                problems.append(f"skill {skill['id']}: ESCO label {label!r} not in ESCO v1.2")
        skill["esco"] = [{"label": lab, "uri": uris.get(lab)} for lab in skill.get("esco", [])]
        skill.setdefault("emerging", False)
        skill["source"] = "curated"
    if problems:
        raise SystemExit("Catalogue problems:\n  " + "\n  ".join(problems))
    for item in (*cur["tools"], *cur["platforms"], *cur["kpis"], *cur["industries"]):
        item["source"] = "curated"
    # every fact says where it comes from and when (STYLE.md: facts as data)
    for item in (
        *cur["skills"],
        *cur["roles"],
        *cur["tools"],
        *cur["platforms"],
        *cur["kpis"],
        *cur["industries"],
        *cur["certifications"],
        *cur["paths"],
    ):
        item["as_of"] = cur["as_of"]
    for group in cur["industry_groups"].values():
        group["as_of"] = cur["as_of"]
    for fact in onet.values():
        fact["as_of"] = ONET_SOURCE["as_of"]
    for fact in esco.values():
        fact["as_of"] = ESCO_SOURCE["as_of"]
    return {
        "version": 1,
        "as_of": cur["as_of"],
        "sources": {"curated": curated_src, "onet": ONET_SOURCE, "esco": ESCO_SOURCE},
        "seniority_levels": cur["seniority_levels"],
        "skills": cur["skills"],
        "tools": cur["tools"],
        "platforms": cur["platforms"],
        "kpis": cur["kpis"],
        "certifications": cur["certifications"],
        "industries": cur["industries"],
        "industry_groups": cur["industry_groups"],
        "roles": cur["roles"],
        "paths": cur["paths"],
        "learning": cur["learning"],
        "onet": onet,
        "esco_occupations": esco,
    }, esco_labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if not (args.data / "taxonomy").is_dir():
        raise SystemExit(
            f"{args.data}/taxonomy is missing: this script needs the shared data folder."
        )
    catalogue, labels = build(args.data)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "catalogue.json").write_text(
        json.dumps(catalogue, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    (OUT / "esco_skill_labels.txt").write_text(
        "# ESCO v1.2.0 skill/knowledge labels used by occupations. "
        + ESCO_SOURCE["attribution"]
        + " "
        + ESCO_SOURCE["licence"]
        + "\n"
        + "\n".join(labels)
        + "\n",
        encoding="utf-8",
    )
    print(  # noqa: T201
        f"wrote {OUT}/catalogue.json: {len(catalogue['roles'])} roles, {len(catalogue['skills'])} "
        f"skills, {len(catalogue['onet'])} O*NET occupations, {len(catalogue['esco_occupations'])} "
        f"ESCO occupations; {len(labels)} ESCO labels"
    )


if __name__ == "__main__":
    main()
