"""Draw a reproducible sample of the reader's facts on the dev letters, for a precision and recall audit.

    /tmp/venv/bin/python bench/fact_sample.py [--shared ../shared] [--seed 2024] [-n 80] [--show]
    /tmp/venv/bin/python bench/fact_sample.py --missing [-n 40] [--seed 2024]

Filled facts (the default): every fact the reader filled on the 59 dev letters (clinical.*, and each
request's history.*, opioid_monitoring.* and the like; not the request's own parsed words, dates or
the reviewer's decision) is a candidate. The facts the rules use most weigh 3, the others 1; the
sample is drawn without replacement by weighted random keys (Efraimidis-Spirakis: key = u ** (1 / w),
the n largest keys), with u from `random.Random(seed)` over the candidates in a fixed order (letter
file name, then fact path). Each line: letter, fact path, value, and where the evidence is (section
and offset in the normalised text). `--show` also prints the evidence sentences, to read beside the
letter; they are not meant to be copied anywhere.

`--missing`: the candidates are the heavily used facts the reader did NOT fill (case facts per letter;
request facts per request of a topic they apply to), drawn uniformly with the same seed. The auditor
then reads the letter to judge whether it plainly states the fact (a recall miss) or not.

The same seed, letters and reader give the same sample; after a reader change, re-run with the same
seed and --keep FILE (a file of earlier sample lines) to re-judge the same facts.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from imr_check.reader import letter_text, read_letter_text

# The facts the rules test most often; a request fact is written without its "requests[i]." prefix.
HEAVY = (
    "clinical.red_flags", "clinical.neurological_deficit", "clinical.radiculopathy_on_exam",
    "clinical.failed_conservative_care", "clinical.persistent_symptoms", "clinical.surgery_considered",
    "clinical.invasive_procedure_planned", "clinical.prior_imaging", "clinical.significant_change_in_symptoms",
    "clinical.nerve_entrapment_suspected", "clinical.is_post_surgical", "history.prior_treatment",
    "history.sessions_completed", "history.functional_improvement.", "opioid_monitoring.", "history.start_date",
    "history.weeks_on_treatment",
)
# Request fields that are the request's own words (parsed from the item header), not facts read from sentences.
_REQUEST_OWN = re.compile(r"^requests\[\d+\]\.(?:text|body_region|study|modality|injection_type|injection_approach|"
                          r"spinal_levels|procedure|stimulator_types|is_purchase|equipment|associated_service|quantity|"
                          r"sessions|frequency_per_week|duration_weeks|consultant_specialty|is_evaluation|drug|ur|"
                          r"associated_with)")
_PREFIX = re.compile(r"^requests\[\d+\]\.")
_THERAPY = {"acupuncture", "physical_therapy", "chiropractic", "massage", "psychological_treatment",
            "passive_modality"}
_DRUG = {"muscle_relaxant", "opioid", "benzodiazepine", "nsaid", "gastrointestinal_protection", "anticonvulsant",
         "antidepressant", "sleep_aid", "topical_analgesic"}
_CASE_HEAVY = [p for p in HEAVY if p.startswith("clinical.")]


def weight(path: str) -> int:
    bare = _PREFIX.sub("", path)
    return 3 if any(bare == h or (h.endswith(".") and bare.startswith(h)) for h in HEAVY) else 1


def candidates(shared: Path) -> tuple[list[tuple[str, str, object, list]], list[tuple[str, str]]]:
    """(filled facts: letter, path, value, evidence), (heavy facts not filled: letter, path)."""
    filled, missing = [], []
    for pdf in sorted((shared / "corpus" / "dev").glob("*.pdf")):
        case = read_letter_text(letter_text(pdf), str(pdf))
        for path, evidence in sorted(case.evidence.items()):
            if not path.startswith(("clinical.", "requests[")) or _REQUEST_OWN.search(path):
                continue
            value = _value(case, path)
            if value is None:
                continue
            filled.append((pdf.stem, path, value, evidence))
        have = set(case.evidence)
        for path in _CASE_HEAVY:
            if path not in have:
                missing.append((pdf.stem, path))
        for index, request in enumerate(case.requests):
            wanted = ["history.prior_treatment"]
            if request.topic in _THERAPY:
                wanted += ["history.sessions_completed", "history.functional_improvement.demonstrated"]
            if request.topic in _DRUG:
                wanted += ["history.start_date|history.weeks_on_treatment"]
            if request.topic == "opioid":
                wanted += ["opioid_monitoring.analgesia", "opioid_monitoring.adverse_effects",
                           "opioid_monitoring.aberrant_behavior", "opioid_monitoring.urine_drug_screen"]
            for fact in wanted:
                if not any(f"requests[{index}].{one}" in have for one in fact.split("|")):
                    missing.append((pdf.stem, f"requests[{index}].{fact} ({request.topic})"))
    return filled, missing


def _value(case, path: str) -> object:
    data = case.model_dump(mode="json", exclude={"evidence"})
    node: object = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            node = node[index] if isinstance(node, list) and index < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


_LINE = re.compile(r"^([FM]\d+)\s+(\S+)\s+(requests\[\d+\]\.\S+|clinical\.\S+)(?: = (.*?)  \[| \(|$)")


def again(earlier: Path, filled: list[tuple[str, str, object, list]], show: bool) -> int:
    """The same facts as an earlier sample, each with its value now ('-' when no longer filled)."""
    now = {(letter, path): (value, evidence) for letter, path, value, evidence in filled}
    for line in earlier.read_text().splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        label, letter, path, before = match.groups()
        value, evidence = now.get((letter, path), ("-", []))
        changed = "" if before is None or str(value) == before else f"   (was {before})"
        print(f"{label}  {letter}  {path} = {value}{changed}")
        if show:
            for e in evidence:
                print(f"       > {e.sentence}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("-n", type=int, default=80)
    parser.add_argument("--missing", action="store_true", help="sample heavy facts the reader did not fill")
    parser.add_argument("--show", action="store_true", help="print the evidence sentences too")
    parser.add_argument("--keep", type=Path, help="an earlier sample's output: print each of its facts' value now")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / "dev").is_dir():
        print(f"no dev letters under {args.shared}", file=sys.stderr)
        return 2
    filled, missing = candidates(args.shared)
    if args.keep:
        return again(args.keep, filled, args.show)
    rng = random.Random(args.seed)
    if args.missing:
        for number, (letter, path) in enumerate(rng.sample(missing, min(args.n, len(missing))), 1):
            print(f"M{number:02d}  {letter}  {path}")
        print(f"# {len(missing)} heavy facts not filled; seed {args.seed}", file=sys.stderr)
        return 0
    keyed = [(rng.random() ** (1 / weight(path)), (letter, path, value, evidence))
             for letter, path, value, evidence in filled]
    chosen = [item for _, item in sorted(keyed, key=lambda kv: -kv[0])[: args.n]]
    chosen.sort(key=lambda item: (item[0], item[1]))
    for number, (letter, path, value, evidence) in enumerate(chosen, 1):
        where = ", ".join(f"{e.source.rsplit('#', 1)[-1]}@{e.offset}" for e in evidence)
        print(f"F{number:02d}  {letter}  {path} = {value}  [{where}]")
        if args.show:
            for e in evidence:
                print(f"       > {e.sentence}")
    print(f"# {len(filled)} facts filled, {sum(1 for f in filled if weight(f[1]) == 3)} heavy; seed {args.seed}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
