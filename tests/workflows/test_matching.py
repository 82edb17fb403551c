"""Ranking vacancies for a job seeker, table-driven (no database)."""

from decimal import Decimal

import pytest

from workflows.matching import (
    DISTRICT_POINTS,
    INDUSTRY_POINTS,
    SKILLS_POINTS,
    TITLE_POINTS,
    WAGE_NEAR_POINTS,
    WAGE_POINTS,
    Opening,
    Seeker,
    rank,
)


def seeker(**changes) -> Seeker:
    """A seeker who asks for nothing, except what the test sets."""
    values = {
        "industries": frozenset(),
        "district_id": None,
        "skills": frozenset(),
        "wage_expectation": None,
        "desired_job": "",
    }
    return Seeker(**{**values, **changes})


def opening(id: int, **changes) -> Opening:
    """An open vacancy in manufacturing, district 9, without wage or skills."""
    values = {
        "title": "普工",
        "industry": "C",
        "district_id": 9,
        "wage_min": None,
        "wage_max": None,
        "skills": frozenset(),
        "openings": 3,
    }
    return Opening(id=id, **{**values, **changes})


WELDER = seeker(
    industries=frozenset({"C"}),
    district_id=1,
    skills=frozenset({"焊接", "叉车", "CAD"}),
    wage_expectation=Decimal("6500"),
    desired_job="电焊工",
)
PERFECT = opening(
    7,
    title="电焊工",
    district_id=1,
    skills=frozenset({"焊接", "叉车", "cad"}),
    wage_min=Decimal("6000"),
    wage_max=Decimal("7000"),
)
ALL_REASONS = {
    "industry": {"industry": "C"},
    "district": {"district_id": 1},
    "skills": {"matched": 3, "required": 3},
    "wage": {"offered": "7000", "expected": "6500"},
    "title": {"words": ["电焊工"]},
}
C_ONLY = {"industry": {"industry": "C"}}
WANTS_C = seeker(industries=frozenset({"C"}))
EXPECTS_6500 = seeker(wage_expectation=Decimal("6500"))

CASES = [
    # (what, seeker, openings, limit, [(opening id, score, {reason code: detail})])
    (
        "perfect match first, with every reason",
        WELDER,
        [opening(1), PERFECT],
        10,
        [(7, 100, ALL_REASONS), (1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "industry only",
        WELDER,
        [opening(1, title="保洁", district_id=2, wage_max=Decimal("3000"))],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "industry letters compare regardless of case and spaces",
        seeker(industries=frozenset({" c"})),
        [opening(1, industry="C ")],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "district only",
        seeker(district_id=9),
        [opening(1, industry="H"), opening(2, district_id=8)],
        10,
        [(1, DISTRICT_POINTS, {"district": {"district_id": 9}})],
    ),
    (
        "no district on either side is not a match",
        seeker(district_id=None, industries=frozenset({"H"})),
        [opening(1, district_id=None)],
        10,
        [],
    ),
    (
        "skills partial: 2 of 3, points in proportion",
        seeker(skills=frozenset({"焊接", "叉车"})),
        [opening(1, skills=frozenset({"焊接", "叉车", "电工证"}))],
        10,
        [(1, SKILLS_POINTS * 2 // 3, {"skills": {"matched": 2, "required": 3}})],
    ),
    (
        "skills ignore case and surrounding spaces",
        seeker(skills=frozenset({" CAD", "Excel "})),
        [opening(1, skills=frozenset({"cad ", "EXCEL"}))],
        10,
        [(1, SKILLS_POINTS, {"skills": {"matched": 2, "required": 2}})],
    ),
    (
        "opening without listed skills earns no skill points",
        seeker(skills=frozenset({"焊接"}), industries=frozenset({"C"})),
        [opening(1)],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "wage: the maximum meets the expectation",
        EXPECTS_6500,
        [opening(1, wage_min=Decimal("5000"), wage_max=Decimal("6500.00"))],
        10,
        [(1, WAGE_POINTS, {"wage": {"offered": "6500", "expected": "6500"}})],
    ),
    (
        "wage: only a minimum, and it meets the expectation",
        EXPECTS_6500,
        [opening(1, wage_min=Decimal("6800.50"))],
        10,
        [(1, WAGE_POINTS, {"wage": {"offered": "6800.50", "expected": "6500"}})],
    ),
    (
        "wage: within 10% below the expectation earns a little",
        EXPECTS_6500,
        [opening(1, wage_max=Decimal("5850"))],
        10,
        [(1, WAGE_NEAR_POINTS, {"wage": {"offered": "5850", "expected": "6500"}})],
    ),
    (
        "wage: clearly below the expectation is not credited",
        seeker(industries=frozenset({"C"}), wage_expectation=Decimal("6500")),
        [opening(1, wage_min=Decimal("4000"), wage_max=Decimal("5849.99"))],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "wage: an opening without wage information earns no wage points",
        seeker(industries=frozenset({"C"}), wage_expectation=Decimal("6500")),
        [opening(1)],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "wage: a seeker without an expectation gives no wage points",
        WANTS_C,
        [opening(1, wage_max=Decimal("9000"))],
        10,
        [(1, INDUSTRY_POINTS, C_ONLY)],
    ),
    (
        "full vacancies are never ranked, however good",
        WELDER,
        [
            opening(1, industry="H", district_id=1),
            Opening(**{**PERFECT.__dict__, "openings": 0}),
            Opening(**{**PERFECT.__dict__, "id": 8, "openings": -1}),
        ],
        10,
        [(1, DISTRICT_POINTS, {"district": {"district_id": 1}})],
    ),
    (
        "limit keeps the best ones",
        seeker(industries=frozenset({"C"}), district_id=1),
        [opening(1), opening(2, district_id=1), opening(3), opening(4, district_id=1)],
        2,
        [
            (2, INDUSTRY_POINTS + DISTRICT_POINTS, {**C_ONLY, "district": {"district_id": 1}}),
            (4, INDUSTRY_POINTS + DISTRICT_POINTS, {**C_ONLY, "district": {"district_id": 1}}),
        ],
    ),
    (
        "a zero limit returns nothing",
        WANTS_C,
        [opening(1)],
        0,
        [],
    ),
    (
        "Chinese title: a two-character piece of the wanted job is enough",
        seeker(desired_job="想找电焊工的工作"),
        [opening(1, title="招聘焊工学徒"), opening(2, title="电焊操作"), opening(3, title="电工")],
        10,
        [
            (1, TITLE_POINTS, {"title": {"words": ["焊工"]}}),
            (2, TITLE_POINTS, {"title": {"words": ["电焊"]}}),
        ],
    ),
    (
        "Chinese title: one character or a generic word is not enough",
        seeker(desired_job="工 招聘人员"),
        [opening(1, title="招聘普工人员")],
        10,
        [],
    ),
    (
        "Latin title words match whole words, ignoring case",
        seeker(desired_job="Forklift driver, 叉车"),
        [opening(1, title="Night FORKLIFT Driver 叉车司机"), opening(2, title="Drivers wanted")],
        10,
        [(1, TITLE_POINTS, {"title": {"words": ["叉车", "forklift", "driver"]}})],
    ),
    (
        "ties: higher maximum wage first, then no wage, then lower id",
        WANTS_C,
        [
            opening(5),
            opening(4, wage_max=Decimal("5000")),
            opening(3),
            opening(2, wage_max=Decimal("8000")),
        ],
        10,
        [(2, 25, C_ONLY), (4, 25, C_ONLY), (3, 25, C_ONLY), (5, 25, C_ONLY)],
    ),
    (
        "nothing in common: nothing is suggested",
        WELDER,
        [opening(1, industry="H", district_id=2, title="服务员")],
        10,
        [],
    ),
    (
        "a seeker who asks for nothing gets nothing",
        seeker(desired_job="  ", skills=frozenset({" "})),
        [PERFECT, opening(1, district_id=None, skills=frozenset({" "}))],
        10,
        [],
    ),
]


@pytest.mark.parametrize(
    ("who", "openings", "limit", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rank(who, openings, limit, expected):
    matches = rank(who, openings, limit=limit)
    got = [
        (match.opening_id, match.score, {reason.code: reason.detail for reason in match.reasons})
        for match in matches
    ]
    assert got == expected


def test_score_is_the_sum_of_the_points_shown():
    points = {
        "industry": INDUSTRY_POINTS,
        "district": DISTRICT_POINTS,
        "skills": SKILLS_POINTS,
        "wage": WAGE_POINTS,
        "title": TITLE_POINTS,
    }
    (match,) = rank(WELDER, [PERFECT])
    assert [reason.code for reason in match.reasons] == list(points)
    assert match.score == sum(points.values()) == 100


def test_order_does_not_depend_on_the_order_of_the_input():
    openings = [
        opening(i, district_id=i % 3, wage_max=Decimal(1000 * (i % 4)) or None) for i in range(30)
    ]
    wanted = seeker(industries=frozenset({"C"}), district_id=1)
    forwards = rank(wanted, openings, limit=30)
    backwards = rank(wanted, reversed(openings), limit=30)
    assert forwards == backwards
    assert len(forwards) == 30
