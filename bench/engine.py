"""Engine throughput and memory: evaluate many random cases and watch memory stay flat.

    python bench/engine.py                 # 100,000 cases, a row every 10,000
    python bench/engine.py --cases 20000 --every 2000 --no-tracemalloc

Cases are drawn with a fixed seed from the case model itself (random topics, 1 to 6 requests, a
random subset of the facts, each true/false or a number in its allowed range), validated, then
evaluated. Each row shows the block's speed and the memory at its end: resident set size now
(/proc/self/statm) and at its peak (getrusage), and the Python heap (tracemalloc, current and the
block's peak). durable-rules keeps one session per case until it is deleted; a leak would show as
RSS growing block after block, and as sessions still alive at the end (probed directly).

tracemalloc slows Python allocation down; run with --no-tracemalloc for throughput alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import resource
import sys
import time
import tracemalloc
import types
import typing
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from imr_check import evaluate_case, load_knowledge
from imr_check import _durable
from imr_check.case import Case, Clinical, Drug, Patient, Request
from imr_check.evaluate import engine_for
from imr_check.vocabulary import drug_lexicon, topics

_BY_HAND = {"id", "text", "topic", "drug", "associated_with", "ur", "imr", "start_date"}
_PAGE = os.sysconf("SC_PAGE_SIZE")


class CaseGenerator:
    """Random valid case documents, drawn field by field from the pydantic case model."""

    def __init__(self, seed: int, ruled_topics: list[str]) -> None:
        self.rng = random.Random(seed)
        # Mostly topics that have rules (the engine's real work), sometimes any topic.
        self.ruled_topics = ruled_topics
        self.all_topics = sorted(topics())
        self.drug_names = sorted(drug_lexicon())
        self.generics = sorted({e.generic for e in drug_lexicon().values()})

    def value(self, annotation: Any, metadata: list) -> Any:
        rng = self.rng
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
        if annotation is bool:
            return rng.random() < 0.5
        if annotation in (int, float):
            low, high, exclusive = 0.0, 30.0, False
            for item in metadata:
                if isinstance(item, annotated_types.Ge):
                    low = item.ge
                elif isinstance(item, annotated_types.Gt):
                    low, exclusive = item.gt, True
                elif isinstance(item, annotated_types.Le):
                    high = min(item.le, 30)
            if annotation is int:
                return rng.randint(int(low) + (1 if exclusive else 0), int(high))
            return max(rng.randint(int(low * 2), int(high * 2)) / 2, 0.5 if exclusive else low)
        if typing.get_origin(annotation) is Literal:
            return rng.choice(typing.get_args(annotation))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.facts(annotation)
        return None

    def facts(self, model: type[BaseModel], skip: set[str] = frozenset(), share: float = 0.3) -> dict:
        document = {}
        for name, field in model.model_fields.items():
            if name in skip:
                continue
            nested = isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
            if nested or self.rng.random() < share:
                value = self.value(field.annotation, list(field.metadata))
                if value is not None and value != {}:
                    document[name] = value
        return document

    def case(self) -> dict:
        rng = self.rng
        day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 10))
        requests = []
        for index in range(rng.randint(1, 6)):
            topic = rng.choice(self.ruled_topics if rng.random() < 0.85 else self.all_topics)
            request = {"id": f"r{index + 1}", "text": f"{topic} request", "topic": topic,
                       **self.facts(Request, skip=_BY_HAND)}
            if topic in ("muscle_relaxant", "opioid", "benzodiazepine", "topical_analgesic") or rng.random() < 0.1:
                drug = self.facts(Drug, skip={"name", "ingredients"}, share=0.5)
                drug["name"] = rng.choice(self.drug_names)
                if rng.random() < 0.3:
                    drug["ingredients"] = rng.sample(self.generics, rng.randint(1, 3))
                request["drug"] = drug
            requests.append(request)
        return {
            "case": {"request_date": day, "injury_date": day - dt.timedelta(days=rng.randrange(30, 3000))},
            "patient": self.facts(Patient),
            "clinical": self.facts(Clinical),
            "requests": requests,
        }


def rss_now_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def live_sessions(ruleset: str, sids: list[str]) -> int:
    alive = 0
    for sid in sids:
        try:
            _durable._host().get_state(ruleset, sid)
            alive += 1
        except Exception:  # durable-rules raises for a session that no longer exists
            pass
    return alive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to evaluate (default 100000)")
    parser.add_argument("--every", type=int, default=10_000, help="print a row every N cases (default 10000)")
    parser.add_argument("--seed", type=int, default=20150120, help="random seed (default fixed)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="do not trace Python allocations")
    args = parser.parse_args(argv)

    knowledge = load_knowledge()
    ruled = sorted({t for rule in knowledge.rules for t in rule.topics})
    generator = CaseGenerator(args.seed, ruled)
    engine = engine_for(knowledge)
    # Warm up: compile the ruleset, fill caches, so the first row measures steady state.
    for _ in range(200):
        evaluate_case(Case.model_validate(generator.case()), knowledge)
    first_session = next(engine._sessions)  # noqa: SLF001 - the bench probes the engine's sessions
    gc.collect()
    if not args.no_tracemalloc:
        tracemalloc.start()

    print(f"imr-check engine bench: {args.cases:,} cases, seed {args.seed}, {len(knowledge.rules)} rules "
          f"on {len(ruled)} topics, tracemalloc {'off' if args.no_tracemalloc else 'on'}, Python {sys.version.split()[0]}")
    header = (f"{'cases':>9} {'cases/s':>8} {'requests/s':>10} {'eval ms/case':>12} "
              f"{'RSS MB':>7} {'RSS peak MB':>11} {'py heap MB':>10} {'py peak MB':>10}")
    print(header)
    print("-" * len(header))
    print(f"{0:>9,} {'':>8} {'':>10} {'':>12} {rss_now_mb():>7.1f} {rss_peak_mb():>11.1f} "
          f"{(f'{tracemalloc.get_traced_memory()[0] / 2**20:.2f}' if tracemalloc.is_tracing() else '-'):>10} {'':>10}")

    totals = {"cases": 0, "requests": 0, "wall": 0.0, "evaluate": 0.0, "evaluate_cpu": 0.0}
    block = {"cases": 0, "requests": 0, "start": time.perf_counter(), "evaluate": 0.0}
    decisions: dict[str, int] = {}
    for number in range(1, args.cases + 1):
        case = Case.model_validate(generator.case())
        started, cpu_started = time.perf_counter(), time.process_time()
        result = evaluate_case(case, knowledge)
        block["evaluate"] += time.perf_counter() - started
        totals["evaluate_cpu"] += time.process_time() - cpu_started
        block["cases"] += 1
        block["requests"] += len(result.requests)
        for request in result.requests:
            decisions[request.determination] = decisions.get(request.determination, 0) + 1
        if number % args.every == 0 or number == args.cases:
            wall = time.perf_counter() - block["start"]
            if tracemalloc.is_tracing():
                heap, peak = (f"{v / 2**20:>10.2f}" for v in tracemalloc.get_traced_memory())
            else:
                heap = peak = f"{'-':>10}"
            print(f"{number:>9,} {block['cases'] / wall:>8.0f} {block['requests'] / wall:>10.0f} "
                  f"{1000 * block['evaluate'] / block['cases']:>12.2f} {rss_now_mb():>7.1f} {rss_peak_mb():>11.1f} "
                  f"{heap} {peak}", flush=True)
            totals["cases"] += block["cases"]
            totals["requests"] += block["requests"]
            totals["wall"] += wall
            totals["evaluate"] += block["evaluate"]
            if tracemalloc.is_tracing():
                tracemalloc.reset_peak()
            block = {"cases": 0, "requests": 0, "start": time.perf_counter(), "evaluate": 0.0}

    last_session = next(engine._sessions)  # noqa: SLF001
    step = max(1, (last_session - first_session) // 2000)
    probed = [f"case-{n}" for n in range(first_session, last_session, step)]
    alive = live_sessions(engine.ruleset, probed)
    print("-" * len(header))
    print(f"overall: {totals['cases'] / totals['wall']:.0f} cases/s, {totals['requests'] / totals['wall']:.0f} requests/s "
          f"(generate + validate + evaluate); evaluate alone {totals['cases'] / totals['evaluate']:.0f} cases/s, "
          f"{totals['requests'] / totals['evaluate']:.0f} requests/s; "
          f"{totals['requests'] / totals['cases']:.2f} requests a case")
    # CPU time is this process's own: on a shared machine wall-clock figures also count the others' work.
    print(f"evaluate alone, CPU time: {totals['cases'] / totals['evaluate_cpu']:.0f} cases/s, "
          f"{1000 * totals['evaluate_cpu'] / totals['cases']:.2f} ms a case")
    print("determinations: " + ", ".join(f"{k} {v:,}" for k, v in sorted(decisions.items())))
    print(f"durable-rules sessions still alive: {alive} of {len(probed)} probed")
    return 1 if alive else 0


if __name__ == "__main__":
    sys.exit(main())
