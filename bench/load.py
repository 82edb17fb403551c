"""Load N synthetic cases into a PostgreSQL database quickly (COPY), for the benchmarks.

The cases are spread over the demo jurisdiction's organisations, states and outcomes the way
a year of real work looks (most closed, some open, a few transferred), with their claims,
categories, agreements and the audit events the figures read. Rows go in with COPY in
batches, so a million cases take minutes, not hours.

    python -m bench.load --n 100000 --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

import psycopg

STATES = [  # (state, outcome, share)
    ("archived", "resolved", 0.45),
    ("closed", "unresolved", 0.15),
    ("closed", "withdrawn", 0.05),
    ("closed", "declined", 0.05),
    ("mediating", None, 0.12),
    ("accepted", None, 0.08),
    ("applied", None, 0.10),
]
CATEGORIES = [
    "wage_arrears",
    "overtime",
    "dismissal_compensation",
    "social_insurance",
    "work_injury",
    "labor_contract",
    "other",
]


def _pick_state(rng: random.Random):
    roll, total = rng.random(), 0.0
    for state, outcome, share in STATES:
        total += share
        if roll <= total:
            return state, outcome
    return STATES[-1][:2]


def load(database: str, n: int, seed: int = 2026, batch: int = 50_000) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    with psycopg.connect(database) as conn:
        orgs = conn.execute(
            "SELECT id, kind FROM organizations"
            " WHERE kind IN ('enterprise', 'union', 'hr_bureau', 'court')"
        ).fetchall()
        employers = [row[0] for row in conn.execute("SELECT id FROM employers").fetchall()]
        worker = conn.execute("SELECT id FROM users WHERE username = 'worker1'").fetchone()[0]
        mediators = {
            row[0]: row[1]
            for row in conn.execute(
                "SELECT organization_id, id FROM users WHERE role IN ('mediator','court_liaison')"
            )
        }
        next_id = (conn.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0]) + 1
        now = datetime.now(UTC).replace(tzinfo=None)
        for offset in range(0, n, batch):
            size = min(batch, n - offset)
            cases, claims, categories, events, agreements = [], [], [], [], []
            for i in range(size):
                case_id = next_id + offset + i
                org_id, kind = rng.choice(orgs)
                state, outcome = _pick_state(rng)
                received = now - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
                closed = received + timedelta(days=rng.randint(1, 45)) if outcome else None
                mediator = mediators.get(org_id) if state != "applied" else None
                workers = 12 if rng.random() < 0.02 else 1
                category = rng.choice(CATEGORIES)
                amount = rng.randint(1000, 80000)
                cases.append(
                    (
                        case_id,
                        f"BENCH-{case_id:08d}",
                        state,
                        outcome,
                        kind,
                        org_id,
                        mediator,
                        "employer_street",
                        worker,
                        "李明",
                        "441802199003150013",
                        "13800138001",
                        rng.choice(employers),
                        received.date() - timedelta(days=700),
                        "操作工",
                        6500,
                        "…",
                        "",
                        workers,
                        False,
                        False,
                        rng.random() < 0.1,
                        False,
                        False,
                        "web",
                        worker,
                        received,
                        received.date(),
                        received.date() + timedelta(days=3),
                        received.date()
                        if state in ("mediating",) or outcome in ("resolved", "unresolved")
                        else None,
                        (received.date() + timedelta(days=15)) if state == "mediating" else None,
                        closed,
                        closed if state == "archived" else None,
                        1,
                    )
                )
                claims.append((case_id, category, amount, ""))
                categories.append((case_id, category))
                events.append(
                    (
                        received,
                        worker,
                        "worker",
                        "case.apply",
                        "cases",
                        case_id,
                        case_id,
                        None,
                        "applied",
                        kind,
                        org_id,
                    )
                )
                if state != "applied" and outcome != "declined":
                    events.append(
                        (
                            received + timedelta(days=1),
                            mediator,
                            "mediator",
                            "case.accept",
                            "cases",
                            case_id,
                            case_id,
                            "applied",
                            "accepted",
                            kind,
                            org_id,
                        )
                    )
                if state == "mediating" or outcome in ("resolved", "unresolved"):
                    events.append(
                        (
                            received + timedelta(days=2),
                            mediator,
                            "mediator",
                            "case.mediate",
                            "cases",
                            case_id,
                            case_id,
                            "accepted",
                            "mediating",
                            kind,
                            org_id,
                        )
                    )
                if outcome == "resolved":
                    agreements.append(
                        (
                            case_id,
                            "…",
                            round(amount * 0.8),
                            mediator or worker,
                            closed,
                            closed,
                            closed,
                        )
                    )
            with conn.cursor() as cursor:
                with cursor.copy(
                    "COPY cases (id, number, state, outcome, tier, organization_id, mediator_id,"
                    " routing_reason, applicant_id, applicant_name, applicant_id_number,"
                    " applicant_phone, employer_id, employment_start, job, monthly_wage, facts,"
                    " desired_outcome, workers_involved, lost_job, reemployment_consent,"
                    " migrant_worker, injured_worker, pregnancy_maternity_nursing, channel,"
                    " filed_by_id, received_at, acceptance_clock_start, acceptance_deadline,"
                    " mediation_clock_start, mediation_deadline, closed_at, archived_at, version)"
                    " FROM STDIN"
                ) as copy:
                    for row in cases:
                        copy.write_row(row)
                with cursor.copy(
                    "COPY claims (case_id, category, amount, description) FROM STDIN"
                ) as copy:
                    for row in claims:
                        copy.write_row(row)
                with cursor.copy("COPY case_categories (case_id, category) FROM STDIN") as copy:
                    for row in categories:
                        copy.write_row(row)
                with cursor.copy(
                    "COPY audit_events (occurred_at, actor_id, actor_role, action, subject_type,"
                    " subject_id, case_id, from_state, to_state, tier, organization_id) FROM STDIN"
                ) as copy:
                    for row in events:
                        copy.write_row(row)
                with cursor.copy(
                    "COPY agreements (case_id, terms, amount, drafted_by_id, drafted_at,"
                    " applicant_signed_at, respondent_signed_at, signed_on_paper) FROM STDIN"
                ) as copy:
                    for row in agreements:
                        copy.write_row((*row, False))
            conn.commit()
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
        )
        conn.execute("ANALYZE")
        conn.commit()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    seconds = load(args.database, args.n)
    print(f"loaded {args.n} cases in {seconds:.1f} s")


if __name__ == "__main__":
    main()
