"""How `extract`'s reading time grows with a letter's size: prints seconds against size.

The letters are synthetic (written here, never copied from a real one): a header, a clinical
summary of varied sentences and disputed items with rationales, both grown to the target size.
Linear reading shows as a flat "µs per KB" column. The CPU columns count this process's own time, which other
work on a shared machine does not inflate as it does the wall-clock seconds.

    .venv/bin/python bench/extract_scaling.py            # 25 KB .. 1.6 MB
    .venv/bin/python bench/extract_scaling.py --sizes 400,5000 --profile   # cProfile's top functions
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time

from imr_check.reader import read_letter_text

HEADER = """Case Number: CM99-0000001
Date Assigned: 03/01/2017 Date of Injury: 05/04/2015
Decision Date: 03/20/2017 UR Denial Date: 02/10/2017
Priority: Standard Application
Received:
02/20/2017
HOW THE IMR FINAL DETERMINATION WAS MADE
A reviewer with no tie to the parties reviewed the file.
The Expert Reviewer has the following credentials:
State(s) of Licensure: California
Certification(s)/Specialty: Internal Medicine
CLINICAL CASE SUMMARY
The injured worker is a 44 year old female who sustained an industrial injury on 05-04-2015.
"""
SUMMARY = [
    "Diagnoses include lumbar strain and right knee sprain.",
    "She has completed {n} sessions of physical therapy.",
    "She has been taking Norco since January 2016.",
    "There is no evidence of red flags.",
    "The neurological examination was intact on {d}.",
    "Pain was rated {p}/10 with medication and 9/10 without medication.",
    "A urine drug screen from 12/01/2016 was consistent.",
    "Acupuncture was tried in 2016 with {n} visits and some relief.",
    "Straight leg raise was negative bilaterally.",
    "An MRI of the lumbar spine on {d} showed a disc bulge at L4-5.",
    "She reports numbness in the right foot and difficulty sleeping.",
    "The treating physician requested a TENS unit and a lumbar brace.",
]
ITEMS_HEAD = """IMR ISSUES, DECISIONS AND RATIONALES
The Final Determination was based on decisions for the disputed items/services set forth below:
"""
ITEM = """{name}: Upheld
Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016.
MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine.
Decision rationale: {body} Therefore, the request is not medically necessary.
"""
NAMES = ["Physical therapy 2 times a week for 6 weeks for the lumbar spine", "Norco 10/325mg #{n}",
         "Acupuncture x{n} for the low back", "Lumbar brace", "TENS unit", "Urine drug screen",
         "MRI of the lumbar spine", "Chiropractic 2 x 4 for the neck"]


def letter(size: int, seed: int = 0, items: int | None = None) -> str:
    """A synthetic letter of about `size` characters: half summary, half items (or `items` items
    and the rest summary)."""
    rng = random.Random(seed)

    def sentence() -> str:
        return rng.choice(SUMMARY).format(n=rng.randint(1, 24), p=rng.randint(1, 9),
                                          d=f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2016")

    parts, length = [HEADER], len(HEADER)
    while length < (size // 2 if items is None else size - items * 600):
        line = " ".join(sentence() for _ in range(2)) + "\n"
        parts.append(line)
        length += len(line)
    parts.append(ITEMS_HEAD)
    added = 0
    while (length < size) if items is None else added < items:
        added += 1
        body = " ".join(sentence() for _ in range(rng.randint(3, 12)))
        item = ITEM.format(name=rng.choice(NAMES).format(n=rng.randint(6, 120)), body=body)
        parts.append(item)
        length += len(item)
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100,200,400,800,1600", help="sizes in KB, comma-separated")
    parser.add_argument("--items", type=int, help="a fixed number of items (else half the letter is items)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions at the largest size")
    args = parser.parse_args()
    sizes = [int(s) * 1000 for s in args.sizes.split(",")]
    read_letter_text(letter(5000), "warm-up")  # vocabulary and rules loaded once, outside the timings
    print(f"{'KB':>8} {'items':>6} {'seconds':>9} {'µs per KB':>10} {'CPU s':>8} {'CPU µs/KB':>10}")
    for size in sizes:
        text = letter(size, items=args.items)
        start, cpu_start = time.perf_counter(), time.process_time()
        case = read_letter_text(text, f"synthetic-{size}")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        kb = len(text) / 1000
        print(f"{kb:8.0f} {len(case.requests):6d} {seconds:9.2f} {seconds * 1e6 / kb:10.0f} {cpu:8.2f} {cpu * 1e6 / kb:10.0f}",
              flush=True)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(read_letter_text, letter(sizes[-1], items=args.items), "profiled")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
