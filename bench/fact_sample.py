"""Draw a reproducible sample of the reader's facts on the dev letters, for a precision and recall audit.

    .venv/bin/python bench/fact_sample.py [--shared ../shared] [--seed 2024] [-n 80] [--show] [--fold FOLD]
    .venv/bin/python bench/fact_sample.py --missing [-n 40] [--seed 2024] [--fold FOLD]
    .venv/bin/python bench/fact_sample.py --focus rationale-request --seed 2025 [-n 80] [--missing]

Filled facts (the default): every fact the reader filled on the dev letters (114 now; the first audit
drew from the 59 there were then) (clinical.*, and each
request's history.*, opioid_monitoring.* and the like; not the request's own parsed words, dates or
the reviewer's decision) is a candidate, and so is a fact the case lists under `not_documented` (printed as
`= not_documented`: a stated absence is something the reader read, right or wrong, not a fact left empty).
The facts the rules use most weigh 3, the others 1; the
sample is drawn without replacement by weighted random keys (Efraimidis-Spirakis: key = u ** (1 / w),
the n largest keys), with u from `random.Random(seed)` over the candidates in a fixed order (letter
file name, then fact path). Each line: letter, fact path, value, and where the evidence is (section
and offset in the normalised text). `--show` also prints the evidence sentences, to read beside the
letter; they are not meant to be copied anywhere.

`--focus rationale-request` (the second audit): the candidates also take in each request's own parsed
fields (sessions, frequency_per_week, duration_weeks, study, body_region, injection_type, and the drug as one
fact), judged against the item header they were parsed from; a fact read from an item's rationale weighs 12,
any other request-level fact (history.*, opioid_monitoring.*, the own fields) 3, and the rest 1. With
`--missing`, the candidates are the request-level facts not filled (see `missing_request_facts`), drawn
uniformly.

`--missing`: the candidates are the heavily used facts the reader did NOT fill (case facts per letter;
request facts per request of a topic they apply to), drawn uniformly with the same seed. The auditor
then reads the letter to judge whether it plainly states the fact (a recall miss) or not.

`--fold validation|tuning` draws from one part of the dev corpus only (`imr_check.folds.fold_of_path`, by a
fixed hash of the case number); the default is every dev letter. The fold only narrows the candidates, which
keep their fixed order, so a fold's draw is as reproducible as the whole corpus's. The validation fold is
read only for the sanctioned audits made after the work is done (the third and fourth audits in
bench/fact_precision.md).

`--exclude FILE` leaves out the facts of an earlier sample (its printed lines), so a second audit measures
facts the first one did not fix the reader on.

The same seed, letters and reader give the same sample; after a reader change, re-run with the same
seed and --keep FILE (a file of earlier sample lines) to re-judge the same facts.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from imr_check.folds import FOLDS, fold_of_path
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
# The value printed for a fact the case lists under `not_documented`: it has no value in the case, but the reader
# read it ("there is no documentation of ..."), so it is a filled fact to judge, not one left empty.
STATED_NOT_DOCUMENTED = "not_documented"
_THERAPY = {"acupuncture", "physical_therapy", "chiropractic", "massage", "psychological_treatment",
            "passive_modality"}
_DRUG = {"muscle_relaxant", "opioid", "benzodiazepine", "nsaid", "gastrointestinal_protection", "anticonvulsant",
         "antidepressant", "sleep_aid", "topical_analgesic"}
_CASE_HEAVY = [p for p in HEAVY if p.startswith("clinical.")]
# The request's own fields the second audit judges (against the item header); the drug counts as one fact.
_OWN_FIELDS = ("sessions", "frequency_per_week", "duration_weeks", "study", "body_region", "injection_type", "drug")
_REGION_TOPICS = {"shockwave_therapy", "injection", "surgery", "consultation", "imaging", "electrodiagnostic",
                  "chiropractic", "physical_therapy", "passive_modality"}


def weight(path: str) -> int:
    bare = _PREFIX.sub("", path)
    return 3 if any(bare == h or (h.endswith(".") and bare.startswith(h)) for h in HEAVY) else 1


def focus_weight(path: str, evidence: list) -> int:
    """The second audit's weight: a fact read from an item's rationale 12, another request-level fact 3, else 1."""
    if any(e.source.endswith("-rationale") for e in evidence):
        return 12
    return 3 if path.startswith("requests[") else 1


def missing_request_facts(case) -> list[str]:
    """Request-level facts the reader left empty, by what each request's topic uses."""
    have = {path for path in case.evidence if _value(case, path) is not None} | set(case.not_documented)
    out = []
    for index, request in enumerate(case.requests):
        data = request.model_dump(mode="json")
        wanted = ["history.prior_treatment"]
        if request.topic in _THERAPY:
            wanted += ["history.sessions_completed", "history.functional_improvement.demonstrated", "sessions",
                       "frequency_per_week|duration_weeks"]
        if request.topic in _DRUG:
            wanted += ["history.start_date|history.weeks_on_treatment", "drug"]
        if request.topic == "opioid":
            wanted += ["opioid_monitoring.analgesia", "opioid_monitoring.adverse_effects",
                       "opioid_monitoring.aberrant_behavior", "opioid_monitoring.urine_drug_screen"]
        if request.topic == "injection":
            wanted += ["injection_type", "history.pain_relief_percent"]
        if request.topic in ("imaging", "electrodiagnostic"):
            wanted += ["study"]
        if request.topic in _REGION_TOPICS:
            wanted += ["body_region"]
        for fact in wanted:
            options = fact.split("|")
            if any(f"requests[{index}].{one}" in have or (one in _OWN_FIELDS and data.get(one) is not None)
                   for one in options):
                continue
            out.append(f"requests[{index}].{fact} ({request.topic})")
    return out


def dev_letters(shared: Path, fold: str | None = None) -> list[Path]:
    """The dev letters in a fixed order (file name), of one fold only when one is given (None: all)."""
    letters = sorted((shared / "corpus" / "dev").glob("*.pdf"))
    return letters if fold is None else [pdf for pdf in letters if fold_of_path(pdf) == fold]


def candidates(shared: Path, focus: str = "heavy", fold: str | None = None
               ) -> tuple[list[tuple[str, str, object, list]], list[tuple[str, str]]]:
    """(filled facts: letter, path, value, evidence), (heavy facts not filled: letter, path)."""
    filled, missing = [], []
    for pdf in dev_letters(shared, fold):
        one_filled, one_missing = letter_candidates(pdf.stem, read_letter_text(letter_text(pdf), str(pdf)), focus)
        filled += one_filled
        missing += one_missing
    return filled, missing


def letter_candidates(letter: str, case, focus: str = "heavy"
                      ) -> tuple[list[tuple[str, str, object, list]], list[tuple[str, str]]]:
    """One letter's candidates, in the fixed order of fact path: its filled facts and its heavy facts not filled."""
    filled, missing = [], []
    if focus == "rationale-request":
        for index, request in enumerate(case.requests):
            data = request.model_dump(mode="json")
            for name in _OWN_FIELDS:
                if data.get(name) is None:
                    continue
                path = f"requests[{index}].{name}"
                value = {k: v for k, v in data[name].items() if v is not None} if name == "drug" else data[name]
                evidence = case.evidence.get(path) or case.evidence.get(f"requests[{index}].text", [])
                filled.append((letter, path, value, evidence))
        missing += [(letter, path) for path in missing_request_facts(case)]
    for path in sorted(set(case.evidence) | set(case.not_documented)):
        if not path.startswith(("clinical.", "requests[")) or _REQUEST_OWN.search(path):
            continue
        value = filled_value(case, path)
        if value is None:
            continue
        filled.append((letter, path, value, case.evidence.get(path, [])))
    if focus == "rationale-request":
        filled.sort(key=lambda f: (f[0], f[1]))
        return filled, missing
    have = set(case.evidence) | set(case.not_documented)
    for path in _CASE_HEAVY:
        if path not in have:
            missing.append((letter, path))
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
                missing.append((letter, f"requests[{index}].{fact} ({request.topic})"))
    return filled, missing


def filled_value(case, path: str) -> object:
    """The fact's value as the audit judges it: STATED_NOT_DOCUMENTED for a fact the case lists under
    `not_documented` (the reader read a stated absence, which can be right or wrong), None when not filled."""
    return STATED_NOT_DOCUMENTED if path in case.not_documented else _value(case, path)


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


_MISSING_LINE = re.compile(r"^(M\d+)\s+(\S+)\s+(\S+)( \(\w+\))?$")
_LINE = re.compile(r"^([FM]\d+)\s+(\S+)\s+(requests\[\d+\]\.\S+|clinical\.\S+)(?: = (.*?)  \[| \(|$)")


def again(earlier: Path, filled: list[tuple[str, str, object, list]], show: bool) -> int:
    """The same facts as an earlier sample, each with its value now ('-' when no longer filled)."""
    now = {(letter, path): (value, evidence) for letter, path, value, evidence in filled}
    for line in earlier.read_text().splitlines():
        missed = _MISSING_LINE.match(line)
        if missed:  # a fact left empty then: is it filled now?
            label, letter, paths, topic = missed.groups()
            index, names = re.match(r"(requests\[\d+\]\.)?(.*)", paths).groups()
            found = [(f"{index or ''}{name}", now[(letter, f"{index or ''}{name}")]) for name in names.split("|")
                     if (letter, f"{index or ''}{name}") in now]
            shown = ", ".join(f"{path} = {value}" for path, (value, _) in found) or "still empty"
            print(f"{label}  {letter}  {paths}{topic or ''}: {shown}")
            if show:
                for _, (_, evidence) in found:
                    for e in evidence:
                        print(f"       > {e.sentence}")
            continue
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
    parser.add_argument("--focus", choices=("heavy", "rationale-request"), default="heavy",
                        help="heavy: the first audit's weights; rationale-request: the second audit's")
    parser.add_argument("--fold", choices=FOLDS, help="draw from one fold's letters only (default: all dev letters)")
    parser.add_argument("--exclude", type=Path, help="an earlier sample's output: leave its facts out of the draw")
    parser.add_argument("--keep", type=Path, help="an earlier sample's output: print each of its facts' value now")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / "dev").is_dir():
        print(f"no dev letters under {args.shared}", file=sys.stderr)
        return 2
    filled, missing = candidates(args.shared, args.focus, args.fold)
    if args.keep:
        return again(args.keep, filled, args.show)
    if args.exclude:
        earlier = {(m.group(2), m.group(3)) for line in args.exclude.read_text().splitlines()
                   if (m := _LINE.match(line))}
        filled = [f for f in filled if (f[0], f[1]) not in earlier]
    rng = random.Random(args.seed)
    if args.missing:
        for number, (letter, path) in enumerate(rng.sample(missing, min(args.n, len(missing))), 1):
            print(f"M{number:02d}  {letter}  {path}")
        print(f"# {len(missing)} heavy facts not filled; fold {args.fold or 'all'}; seed {args.seed}", file=sys.stderr)
        return 0
    weigh = (lambda path, evidence: focus_weight(path, evidence)) if args.focus == "rationale-request" else \
        (lambda path, evidence: weight(path))
    keyed = [(rng.random() ** (1 / weigh(path, evidence)), (letter, path, value, evidence))
             for letter, path, value, evidence in filled]
    chosen = [item for _, item in sorted(keyed, key=lambda kv: -kv[0])[: args.n]]
    chosen.sort(key=lambda item: (item[0], item[1]))
    for number, (letter, path, value, evidence) in enumerate(chosen, 1):
        where = ", ".join(f"{e.source.rsplit('#', 1)[-1]}@{e.offset}" for e in evidence)
        print(f"F{number:02d}  {letter}  {path} = {value}  [{where}]")
        if args.show:
            for e in evidence:
                print(f"       > {e.sentence}")
    print(f"# {len(filled)} facts filled, {sum(1 for f in filled if weigh(f[1], f[3]) >= 3)} weighted up; "
          f"focus {args.focus}; fold {args.fold or 'all'}; seed {args.seed}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
