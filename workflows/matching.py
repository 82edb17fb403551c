"""Ranking vacancies for a worker who lost their job.

An officer and the worker both see why an opening was suggested, so the score is a plain sum
of points, one term per :class:`Reason`, and every reason that adds points is listed:

==========  ===========================================================  ======================
reason      when it counts                                               points
==========  ===========================================================  ======================
industry    the opening's industry section is one the worker chose       ``INDUSTRY_POINTS``
district    the opening is in the district where the worker wants work   ``DISTRICT_POINTS``
skills      the worker has at least one of the skills the opening        ``SKILLS_POINTS`` ×
            lists (compared ignoring case and surrounding spaces)        matched ÷ required,
                                                                         rounded down
wage        the best pay offered (``wage_max``, else ``wage_min``)       ``WAGE_POINTS``
            reaches the worker's expectation
            ... or at least 90% of it (``WAGE_NEAR_SHARE``)              ``WAGE_NEAR_POINTS``
title       a word of the job the worker wants appears in the title      ``TITLE_POINTS``
==========  ===========================================================  ======================

The points add up to 100 for an opening that matches on everything.

Details of each rule:

- An opening that pays clearly less than expected (below 90% of it) simply earns no wage
  points; there is no penalty, so the score stays the sum of the reasons shown. Without a wage
  on either side there are no wage points either. ``detail`` is ``{"offered": "7000",
  "expected": "6500"}`` (yuan as text: whole amounts without decimals, others with two).
- Skills: ``detail`` is ``{"matched": 2, "required": 3}``. An opening that lists no skills earns
  no skill points.
- Title: Chinese has no spaces between words, so the wanted job is cut into runs of Chinese
  characters and runs of other letters or digits. A Chinese run matches when any piece of it of
  at least two characters appears in the title (电焊工 matches 焊工学徒 through 焊工); generic
  pieces in ``GENERIC_TITLE_WORDS`` (招聘, 岗位, 人员, ...) do not count on their own. Any other
  run matches as a whole word of at least two letters (``driver`` in "Delivery driver").
  ``detail`` is ``{"words": ["焊工"]}``: the longest matching piece of each run, in the order
  the worker wrote them.

Openings with no vacancies left (``openings <= 0``) are never ranked, and neither are openings
that earn no points at all. The rest are ordered by score, then by higher ``wage_max`` (an
opening without one counts as 0), then by ``id``, so the same input always gives the same list.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

INDUSTRY_POINTS = 25
DISTRICT_POINTS = 20
SKILLS_POINTS = 30
WAGE_POINTS = 15
WAGE_NEAR_POINTS = 5
WAGE_NEAR_SHARE = Decimal("0.9")
TITLE_POINTS = 10

MIN_TITLE_PIECE = 2
GENERIC_TITLE_WORDS = frozenset({"招聘", "岗位", "职位", "人员", "工作", "员工"})

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RUNS = re.compile(rf"[{_HAN}]+|[^\W{_HAN}]+")


@dataclass(frozen=True)
class Seeker:
    industries: frozenset[str]  # GB/T 4754 section letters the worker wants (or worked in)
    district_id: int | None  # where the worker wants to work
    skills: frozenset[str]  # free words, compared case-insensitively after strip
    wage_expectation: Decimal | None  # monthly yuan
    desired_job: str = ""  # free text


@dataclass(frozen=True)
class Opening:
    id: int
    title: str
    industry: str
    district_id: int | None
    wage_min: Decimal | None
    wage_max: Decimal | None
    skills: frozenset[str]
    openings: int  # vacancies still open; 0 means full → never ranked


@dataclass(frozen=True)
class Reason:
    code: str  # "industry", "district", "skills", "wage", "title"
    detail: dict


@dataclass(frozen=True)
class Match:
    opening_id: int
    score: int
    reasons: tuple[Reason, ...]


def _skill_set(skills: Iterable[str]) -> frozenset[str]:
    return frozenset(key for skill in skills if (key := skill.strip().casefold()))


def _yuan(amount: Decimal) -> str:
    whole = amount == amount.to_integral_value()
    return str(amount.quantize(Decimal(1) if whole else Decimal("0.01")))


def _is_han(run: str) -> bool:
    return bool(re.match(rf"[{_HAN}]", run))


@dataclass(frozen=True)
class _Wanted:
    """What the seeker asks for, normalised once per ranking rather than once per opening."""

    industries: frozenset[str]
    district_id: int | None
    skills: frozenset[str]
    wage_expectation: Decimal | None
    han_pieces: tuple[tuple[str, ...], ...]  # per Chinese run: its pieces, longest first
    other_words: tuple[str, ...]

    @classmethod
    def of(cls, seeker: Seeker) -> "_Wanted":
        han_pieces: list[tuple[str, ...]] = []
        other_words: list[str] = []
        for run in _WORD_RUNS.findall(seeker.desired_job.casefold()):
            if _is_han(run):
                pieces = tuple(
                    run[start : start + size]
                    for size in range(len(run), MIN_TITLE_PIECE - 1, -1)
                    for start in range(len(run) - size + 1)
                    if run[start : start + size] not in GENERIC_TITLE_WORDS
                )
                if pieces:
                    han_pieces.append(pieces)
            elif len(run) >= MIN_TITLE_PIECE and run not in other_words:
                other_words.append(run)
        expectation = seeker.wage_expectation
        return cls(
            industries=frozenset(code.strip().upper() for code in seeker.industries),
            district_id=seeker.district_id,
            skills=_skill_set(seeker.skills),
            wage_expectation=expectation if expectation is not None and expectation > 0 else None,
            han_pieces=tuple(han_pieces),
            other_words=tuple(other_words),
        )

    @property
    def anything(self) -> bool:
        return bool(
            self.industries
            or self.district_id is not None
            or self.skills
            or self.wage_expectation is not None
            or self.han_pieces
            or self.other_words
        )


def _title_words(wanted: _Wanted, title: str) -> list[str]:
    text = title.casefold()
    found: list[str] = []
    for pieces in wanted.han_pieces:
        piece = next((piece for piece in pieces if piece in text), None)
        if piece is not None and piece not in found:
            found.append(piece)
    title_words = {run for run in _WORD_RUNS.findall(text) if not _is_han(run)}
    found.extend(word for word in wanted.other_words if word in title_words)
    return found


def _assess(wanted: _Wanted, opening: Opening) -> tuple[int, tuple[Reason, ...]]:
    score = 0
    reasons: list[Reason] = []

    if opening.industry.strip().upper() in wanted.industries:
        score += INDUSTRY_POINTS
        reasons.append(Reason("industry", {"industry": opening.industry.strip().upper()}))

    if wanted.district_id is not None and opening.district_id == wanted.district_id:
        score += DISTRICT_POINTS
        reasons.append(Reason("district", {"district_id": opening.district_id}))

    required = _skill_set(opening.skills)
    matched = len(required & wanted.skills)
    if matched:
        score += SKILLS_POINTS * matched // len(required)
        reasons.append(Reason("skills", {"matched": matched, "required": len(required)}))

    offered = opening.wage_max if opening.wage_max is not None else opening.wage_min
    expected = wanted.wage_expectation
    if offered is not None and expected is not None:
        wage_detail = {"offered": _yuan(offered), "expected": _yuan(expected)}
        if offered >= expected:
            score += WAGE_POINTS
            reasons.append(Reason("wage", wage_detail))
        elif offered >= expected * WAGE_NEAR_SHARE:
            score += WAGE_NEAR_POINTS
            reasons.append(Reason("wage", wage_detail))

    words = _title_words(wanted, opening.title)
    if words:
        score += TITLE_POINTS
        reasons.append(Reason("title", {"words": words}))

    return score, tuple(reasons)


def rank(seeker: Seeker, openings: Iterable[Opening], *, limit: int = 10) -> list[Match]:
    """The best ``limit`` openings for ``seeker``, best first, each with its reasons."""
    wanted = _Wanted.of(seeker)
    if limit <= 0 or not wanted.anything:
        return []
    scored: list[tuple[tuple, Match]] = []
    for opening in openings:
        if opening.openings <= 0:
            continue
        score, reasons = _assess(wanted, opening)
        if score <= 0:
            continue
        order = (-score, -(opening.wage_max or 0), opening.id)
        scored.append((order, Match(opening.id, score, reasons)))
    scored.sort(key=lambda item: item[0])
    return [match for _, match in scored[:limit]]
