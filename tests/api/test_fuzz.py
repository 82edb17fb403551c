"""API v1 fuzzed from its own OpenAPI document (schemathesis, in process on the WSGI app).

Every operation of ``/api/v1/openapi.json`` gets requests that schemathesis generates from the
document, bodies and query strings that fit it and some that do not, each sent with the Bearer
token of a demo account the operation's route lets in (they take turns). The ids in the paths
are mostly those of a few real cases (filed, in mediation with its sessions, settled and
referred, transferred to the court), so that the bodies reach the operations instead of a 404.
Every answer must be no 5xx, with a status the document lists for the operation, the documented
content type, and a body that matches its schema.

Bounded and repeatable: ``MAX_EXAMPLES`` per operation and kind of data, no shrinking,
Hypothesis derandomized (the same requests on every run), a deadline on each: some 800
requests over every operation, registration and password resets included, on PostgreSQL
(the stricter database) only, in ``SHARDS`` tests that run side by side.

The test drives schemathesis's Hypothesis strategies itself: its pytest loader
(``schemathesis.pytest.from_fixture``) sets a node attribute pytest 9 no longer has.
"""

import contextvars
import re
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode
from sqlalchemy import select

from mediation.auth import accounts
from mediation.cases import agreements, extension, sessions, suspension
from mediation.cases.filing import EmployerInput
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import (
    ApiToken,
    CaseDocument,
    Organization,
    Role,
    SessionMode,
    SuspensionCause,
)
from mediation.models.types import utcnow
from tests.factories import filed_case, held_session, mediating_case, user
from tests.test_access import DEMO_ACCOUNT, EXPECTED

MAX_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def build_world() -> dict[str, list[int]]:
    """Cases of worker1 against employer1's company at med_hr's centre, in the states the
    operations act on; the ids of each kind, for the paths."""
    med_hr = user("med_hr")
    applied = filed_case()
    mediating = mediating_case()
    scheduled = sessions.schedule_session(
        mediating,
        actor=med_hr,
        starts_at=utcnow() + timedelta(days=3),
        mode=SessionMode.in_person,
        location="调解室一",
    )
    held = held_session(mediating, "双方陈述。")
    agreements.draft_agreement(
        mediating, actor=med_hr, terms="支付工资", amount=1000, due_date=None
    )
    extension.propose_extension(mediating, actor=med_hr, days=10, reason="双方需要时间")
    settled = filed_case(lost_job=True, reemployment_consent=True)
    fire(settled, "accept", actor=med_hr, respondent_consent=True, consent_via="window")
    fire(settled, "mediate", actor=med_hr)
    agreements.draft_agreement(settled, actor=med_hr, terms="支付工资", amount=1000, due_date=None)
    for party in ("worker1", "employer1"):
        agreements.sign(settled, actor=user(party), version=1, password="demo-2026")
    fire(settled, "settle", actor=med_hr)  # worker1 lost the job: referred to reemploy1's centre
    transferred = filed_case()
    court = user("court1").organization_id
    fire(transferred, "escalate", actor=med_hr, reason="需法院调解", organization_id=court)
    lasting = suspension.record_suspension(
        mediating,
        actor=med_hr,
        cause=SuspensionCause.force_majeure,
        starts_on=date(2025, 1, 6),
        reason="台风停航",
    )
    # Accounts and employers of their own for the administration's acts (deactivate, force a
    # new password, merge), so that the demo accounts' tokens keep working.
    spare = accounts.create_staff(
        actor=None,
        username="fuzz_spare",
        name="备用",
        role=Role.mediator,
        password="demo-2026",
        phone="13900139099",
        organization=med_hr.organization,
    )
    duplicate = filed_case(
        employer=EmployerInput(
            name="某某公司", address="某某路1号", region_id=applied.employer.region_id, industry="C"
        )
    )
    db.session.commit()
    return {
        "user_id": [spare.id],
        "employer_id": [duplicate.employer_id],
        "case_id": [applied.id, mediating.id, settled.id, transferred.id],
        "session_id": [scheduled.id, held.id],
        "suspension_id": [lasting.id],
        "document_id": [
            document.id
            for document in db.session.scalars(
                select(CaseDocument).where(CaseDocument.case_id == mediating.id)
            )
        ],
        "referral_id": [settled.referral.id],
        "organization_id": [court],
        "region_id": [db.session.get(Organization, court).region_id],
        "kind": ["regions", "workbook"],
    }


def issue_tokens(ids: dict[str, list[int]]) -> dict[str, str]:
    """A token of each role's demo account to call with, and the id of a second one it may
    revoke (``DELETE /tokens/{token_id}``) without losing the first."""
    tokens, ids["token_id"] = {}, []
    for role, username in DEMO_ACCOUNT.items():
        account = user(username)
        tokens[role] = accounts.issue_api_token(account)
        accounts.issue_api_token(account)
        db.session.flush()
        spare = select(ApiToken.id).where(ApiToken.user_id == account.id)
        ids["token_id"].append(db.session.scalar(spare.order_by(ApiToken.id.desc())))
    db.session.commit()
    return tokens


def isolated(app):
    """The WSGI app, each request in a context of its own (as ``IsolatedClient`` does): the
    test's app context must not be the request's."""

    def wsgi(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)

    return wsgi


def operations(app) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))
    schema.config.generation.update(with_security_parameters=False)  # the test sends the token
    return [result.ok() for result in schema.get_all_operations()]


def requests_of(operation, mode: GenerationMode, ids: dict[str, list[int]]):
    """The operation's requests: on each of the world's objects its path names, or on ids
    generated from the document (mostly of nothing)."""
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return operation.as_strategy(generation_mode=mode)
    if names[0] == "case_id" and len(names) == 2:  # a mediating case's session, suspension…
        [child] = names[1:]
        known = [{"case_id": ids["case_id"][1], child: value} for value in ids[child]]
    else:
        [name] = names
        known = [{name: value} for value in ids[name]]
    return st.one_of(
        *(operation.as_strategy(generation_mode=mode, path_parameters=path) for path in known),
        operation.as_strategy(generation_mode=mode),
    )


def callers(app, operation) -> list[str]:
    """The roles the operation's route lets in (``tests/test_access.py``): the requests reach
    the operation rather than the door, which turns every other role away with the same 403."""
    path = "/api/v1" + re.sub(r"\{\w+\}", "1", operation.path)
    endpoint, _ = app.url_map.bind("localhost").match(path, method=operation.method.upper())
    return [role for role in DEMO_ACCOUNT if role in EXPECTED[endpoint]]


def fuzz(operation, mode: GenerationMode, ids: dict, tokens: dict, roles: list[str]) -> int:
    """Send the operation's requests, the roles taking turns; raise at the first answer that is
    not as documented. Returns how many were sent."""
    sent = 0

    @given(case=requests_of(operation, mode, ids))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=timedelta(seconds=2),
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        nonlocal sent
        role = roles[sent % len(roles)]
        sent += 1
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS
            )
        except (Exception, BaseExceptionGroup) as error:  # failures come as a group
            error.add_note(f"as {DEMO_ACCOUNT[role]}")
            raise

    send()
    return sent


# Every operation, in SHARDS turns that take every SHARDS-th operation: each turn a test of
# its own, which pytest-xdist hands to whichever worker is free (one test of a minute would
# keep the whole suite waiting for it).
SHARDS = 4


# On PostgreSQL, the stricter of the two (integer ranges, NUL characters): the answers and the
# document are the same code on both, and the suite's time is bounded (issue 11).
@pytest.mark.postgresql_only
@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_answer_is_as_documented(app, demo, in_request, monkeypatch, tmp_path, shard):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))  # what uploads keep
    ids = build_world()
    tokens = issue_tokens(ids)
    failures, sent = [], 0
    for operation in operations(app)[shard::SHARDS]:
        roles = callers(app, operation)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                sent += fuzz(operation, mode, ids, tokens, roles)
            except Unsatisfiable:
                # Nothing in the operation can be sent wrong (no body, query or path value).
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as error:  # failures come as a group
                notes = " ".join(getattr(error, "__notes__", []))
                failures.append(f"{operation.label} ({mode.value} data): {error} {notes}")
    assert sent > 300 / SHARDS, f"only {sent} requests: the fuzz reached too little"
    assert not failures, "\n\n".join(failures)
