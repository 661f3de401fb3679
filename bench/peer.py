"""The side-by-side run's figures written up: ours against django-helpdesk's, as ratios, with the yardstick.

    python bench/peer.py OUT N ROUNDS [LABEL]

OUT holds run.sh's peer-N-R.json and ours-N-R.json. Each figure is the median over the rounds of each
round's median; a ratio above 1 means SEND Casework is faster.
"""

import json
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

from common import RESULTS
from report import yardstick

# (what it is, the peer's figure, ours)
FIGURES = [
    ("log a concern / accept a ticket (ms)", "create_ticket_ms", "create_ms"),
    ("officer's queue, first page (ms)", "staff_queue_list_ms", "queue_ms"),
    ("every open case, first page (ms)", "staff_queue_list_ms", "all_open_ms"),
    ("national report (ms)", "report_ms", "report_ms"),
]


def side_by_side(peer: list[dict], ours: list[dict]) -> list[dict]:
    rows = []
    for label, peer_key, our_key in FIGURES:
        theirs = statistics.median(run[peer_key] for run in peer)
        mine = statistics.median(run[our_key]["median"] for run in ours)
        rows.append({"figure": label, "peer": round(theirs, 2), "peer_queries": peer[0]["detail"][peer_key]["queries"],
                     "ours": round(mine, 2), "our_queries": ours[0][our_key]["queries"],
                     "ratio": round(theirs / mine, 2)})
    if all("sweep" in run for run in ours):
        theirs = statistics.median(run["detail"]["escalation_sweep_s"]["ms_per_escalated_ticket"] for run in peer)
        mine = statistics.median(run["sweep"]["ms_per_alert"] for run in ours)
        rows.append({"figure": "sweep, ms per escalated item", "peer": theirs, "peer_queries": None, "ours": mine,
                     "our_queries": None, "ratio": round(theirs / mine, 2)})
    return rows


def as_markdown(n: int, rounds: int, rows: list[dict], machine: dict, label: str) -> str:
    def cell(value, queries):
        return f"{value:.1f}" + (f" ({queries} q)" if queries is not None else "")

    lines = [
        f"# SEND Casework beside django-helpdesk 2.6.1 at {n:,} cases and tickets{f' ({label})' if label else ''}",
        "",
        f"{rounds} rounds, alternately, in-process through each one's own stack, on the same PostgreSQL "
        f"({machine['measured_at']}). Medians; a ratio above 1 means SEND Casework is faster.",
        f"Yardstick (lower is faster): Python {machine['yardstick_seconds']['python']} s, "
        f"PostgreSQL {machine['yardstick_seconds']['postgresql']} s.",
        "",
        "| figure | django-helpdesk | SEND Casework | peer / ours |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {row['figure']} | {cell(row['peer'], row['peer_queries'])} | {cell(row['ours'], row['our_queries'])} "
              f"| {row['ratio']:.1f}x |" for row in rows]
    return "\n".join(lines) + "\n"


def main(out: str, n: str, rounds: str, label: str = "") -> None:
    runs = range(1, int(rounds) + 1)
    peer = [json.loads(Path(out, f"peer-{n}-{r}.json").read_text()) for r in runs]
    ours = [json.loads(Path(out, f"ours-{n}-{r}.json").read_text()) for r in runs]
    rows = side_by_side(peer, ours)
    machine = {"measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "yardstick_seconds": yardstick()}
    name = f"peer-{n}" + (f"-{label}" if label else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps({"cases": int(n), "rounds": int(rounds), "label": label,
                                                      **machine, "figures": rows, "peer": peer, "ours": ours},
                                                     indent=2) + "\n")
    markdown = as_markdown(int(n), int(rounds), rows, machine, label)
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main(*sys.argv[1:])
