"""The OpenAPI 3 description of API v1, served at /api/v1/openapi.json.

Written out by hand, next to the handlers it describes; a test checks that every API route
appears here and that the example filing body files a case.
"""

from dataclasses import fields
from decimal import Decimal

from flask import jsonify

from mediation.models import Category, Channel, PriorityGroup, SessionMode
from mediation.stats.compute import DEFINITIONS, Figures
from workflows.case import CaseState, CaseTrigger, Outcome, Tier


def _enum(members) -> dict:
    return {"type": "string", "enum": [m.value for m in members]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


MONEY = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "6500.00"}
ERRORS = {
    "401": {"description": "No valid Bearer token", **_json(_ref("Error"))},
    "403": {"description": "The caller may not do this", **_json(_ref("Error"))},
    "404": {"description": "No such case, or not visible to the caller", **_json(_ref("Error"))},
}
CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
REFERRAL_ID = {"name": "referral_id", "in": "path", "required": True, "schema": {"type": "integer"}}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    },
    "Invalid": {
        "type": "object",
        "required": ["error", "message", "errors"],
        "properties": {
            "error": {"type": "string", "enum": ["invalid"]},
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "Field path (e.g. claims.0.amount) → messages in the caller's "
                "language (Accept-Language: zh-CN or en).",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "Filing": {
        "type": "object",
        "required": ["employer", "employment", "categories", "claims", "facts"],
        "properties": {
            "applicant": {
                "type": "object",
                "description": "Left out when a worker files for themself.",
                "properties": {
                    "name": {"type": "string", "example": "张三"},
                    "id_number": {"type": "string", "example": "11010519491231002X"},
                    "phone": {"type": "string", "example": "13800138000"},
                },
            },
            "employer": {
                "type": "object",
                "required": ["name", "uscc"],
                "properties": {
                    "name": {"type": "string", "example": "某某制造有限公司"},
                    "uscc": {"type": "string", "example": "91350100M000100Y43"},
                    "region_id": {"type": "integer", "description": "For a new employer only"},
                    "industry": {"type": "string", "description": "GB/T 4754 section letter"},
                },
            },
            "employment": {
                "type": "object",
                "required": ["start_date", "job"],
                "properties": {
                    "start_date": {"type": "string", "format": "date"},
                    "end_date": {"type": "string", "format": "date", "nullable": True},
                    "job": {"type": "string"},
                    "monthly_wage": MONEY,
                },
            },
            "categories": {"type": "array", "minItems": 1, "items": _enum(Category)},
            "claims": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["category", "amount"],
                    "properties": {
                        "category": _enum(Category),
                        "amount": MONEY,
                        "description": {"type": "string"},
                    },
                },
            },
            "facts": {"type": "string"},
            "desired_outcome": {"type": "string"},
            "workers_involved": {"type": "integer", "minimum": 1, "default": 1},
            "representatives": {
                "type": "array",
                "description": "Required when workers_involved is 10 or more.",
                "items": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "phone": {"type": "string"}},
                },
            },
            "lost_job": {"type": "boolean"},
            "reemployment_consent": {
                "type": "boolean",
                "description": "With lost_job: employment services may contact the worker.",
            },
            "priority_groups": {"type": "array", "items": _enum(PriorityGroup)},
            "preferred_tier": {**_enum(Tier), "nullable": True},
            "channel": _enum(Channel),
        },
    },
    "CaseSummary": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "example": "FCJD-2026-000123"},
            "state": _enum(CaseState),
            "outcome": {**_enum(Outcome), "nullable": True},
            "tier": _enum(Tier),
            "organization": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "employer": {"type": "object"},
            "applicant": {"type": "object", "description": "ID and phone masked"},
            "received_at": {"type": "string", "format": "date-time"},
            "deadlines": {
                "type": "object",
                "properties": {
                    "acceptance": {"type": "string", "format": "date"},
                    "mediation": {"type": "string", "format": "date", "nullable": True},
                },
            },
        },
    },
    "Case": {
        "allOf": [
            _ref("CaseSummary"),
            {
                "type": "object",
                "properties": {
                    "claims": {"type": "array", "items": {"type": "object"}},
                    "amount_claimed": MONEY,
                    "agreement": {"type": "object", "nullable": True},
                    "evidence": {"type": "array", "items": {"type": "object"}},
                    "available_triggers": {"type": "array", "items": _enum(CaseTrigger)},
                },
            },
        ]
    },
    "CaseList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("CaseSummary")},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
        },
    },
    "Event": {
        "type": "object",
        "properties": {
            "action": {"type": "string"},
            "occurred_at": {"type": "string", "format": "date-time"},
            "actor_role": {"type": "string"},
            "from_state": {"type": "string", "nullable": True},
            "to_state": {"type": "string", "nullable": True},
            "tier": {"type": "string"},
            "organization": {"type": "string"},
            "note": {"type": "string", "nullable": True},
        },
    },
    "TriggerBody": {
        "type": "object",
        "description": "decline, fail, escalate, return, withdraw: reason; escalate: optional "
        "organization_id (a higher tier; also after a failed mediation); return: the receiving "
        "organisation (e.g. the court liaison) sends a transfer back; accept: "
        "respondent_consent; extend: days, applicant_consent, "
        "respondent_consent; archive: checklist_complete; mediate and settle: {}.",
        "properties": {
            "reason": {"type": "string"},
            "organization_id": {"type": "integer"},
            "respondent_consent": {"type": "boolean"},
            "applicant_consent": {"type": "boolean"},
            "days": {"type": "integer", "minimum": 1, "maximum": 15},
            "checklist_complete": {"type": "boolean"},
        },
    },
}


def _case_operation(summary: str, body: dict | None = None, status: str = "200") -> dict:
    operation = {
        "summary": summary,
        "parameters": [CASE_ID],
        "responses": {
            status: {"description": "The case after the change", **_json(_ref("Case"))},
            "409": {"description": "Not possible in the case's state", **_json(_ref("Error"))},
            "422": {"description": "Invalid data", **_json(_ref("Invalid"))},
            **ERRORS,
        },
    }
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    return operation


PATHS = {
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3 document"}},
        }
    },
    "/tokens": {
        "post": {
            "summary": "Sign in: exchange a username (or mobile number) and password for a token",
            "security": [],
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                }
            ),
            "responses": {
                "201": {
                    "description": "A Bearer token",
                    **_json({"type": "object", "properties": {"token": {"type": "string"}}}),
                },
                "401": {"description": "Wrong credentials", **_json(_ref("Error"))},
                "422": {"description": "Missing fields", **_json(_ref("Invalid"))},
            },
        }
    },
    "/cases": {
        "get": {
            "summary": "The cases the caller may see, newest first",
            "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "A page", **_json(_ref("CaseList"))}, **ERRORS},
        },
        "post": {
            "summary": "File a case (a worker for themself, or a mediator for a visitor)",
            "requestBody": {"required": True, **_json(_ref("Filing"))},
            "responses": {
                "201": {"description": "The filed case", **_json(_ref("Case"))},
                "422": {"description": "Invalid data", **_json(_ref("Invalid"))},
                **ERRORS,
            },
        },
    },
    "/cases/{case_id}": {
        "get": {
            "summary": "One case",
            "parameters": [CASE_ID],
            "responses": {"200": {"description": "The case", **_json(_ref("Case"))}, **ERRORS},
        }
    },
    "/cases/{case_id}/events": {
        "get": {
            "summary": "The case's audit timeline",
            "parameters": [CASE_ID],
            "responses": {
                "200": {
                    "description": "Events, oldest first",
                    **_json(
                        {
                            "type": "object",
                            "properties": {"items": {"type": "array", "items": _ref("Event")}},
                        }
                    ),
                },
                **ERRORS,
            },
        }
    },
    "/cases/{case_id}/{trigger}": {
        "post": {
            **_case_operation("Fire a workflow trigger", _ref("TriggerBody")),
            "parameters": [
                CASE_ID,
                {
                    "name": "trigger",
                    "in": "path",
                    "required": True,
                    "schema": _enum(t for t in CaseTrigger if t is not CaseTrigger.apply),
                },
            ],
        }
    },
    "/cases/{case_id}/claim": {"post": _case_operation("Take the case (mediators)")},
    "/cases/{case_id}/respond": {
        "post": _case_operation(
            "The employer agrees or refuses to mediate",
            {
                "type": "object",
                "required": ["consent"],
                "properties": {"consent": {"type": "boolean"}, "note": {"type": "string"}},
            },
        )
    },
    "/cases/{case_id}/agreement": {
        "post": _case_operation(
            "Write or rewrite the agreement (signatures are reset)",
            {
                "type": "object",
                "required": ["terms", "amount"],
                "properties": {
                    "terms": {"type": "string"},
                    "amount": MONEY,
                    "due_date": {"type": "string", "format": "date"},
                },
            },
        )
    },
    "/cases/{case_id}/agreement/sign": {"post": _case_operation("Sign the agreement as a party")},
    "/cases/{case_id}/sessions": {
        "post": _case_operation(
            "Record a mediation session",
            {
                "type": "object",
                "required": ["starts_at", "mode"],
                "properties": {
                    "starts_at": {"type": "string", "format": "date-time"},
                    "mode": _enum(SessionMode),
                    "location": {"type": "string"},
                    "attendees": {"type": "string"},
                    "minutes": {"type": "string"},
                },
            },
            status="201",
        )
    },
    "/cases/{case_id}/evidence": {
        "post": {
            **_case_operation("Upload evidence (PDF, JPEG, PNG; 10 MB)", status="201"),
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            },
        }
    },
    "/cases/{case_id}/confirmation": {
        "post": _case_operation(
            "A party asks the district court to confirm the settled agreement (within 30 days; "
            "both parties must ask)"
        )
    },
    "/cases/{case_id}/confirmation/decision": {
        "post": _case_operation(
            "The court liaison confirms or refuses the agreement",
            {
                "type": "object",
                "required": ["confirm"],
                "properties": {
                    "confirm": {"type": "boolean"},
                    "reason": {"type": "string", "description": "Required when refusing"},
                },
            },
        )
    },
    "/referrals": {
        "get": {
            "summary": "Re-employment referrals the caller may see (each names case_id and state)",
            "responses": {
                "200": {"description": "Referrals", **_json({"type": "object"})},
                **ERRORS,
            },
        }
    },
    "/referrals/{referral_id}": {
        "get": {
            "summary": "One referral",
            "parameters": [REFERRAL_ID],
            "responses": {
                "200": {"description": "The referral", **_json({"type": "object"})},
                **ERRORS,
            },
        }
    },
    "/referrals/{referral_id}/{trigger}": {
        "post": {
            "summary": "claim; contact {channel, result, contacted_on?}; start_training "
            "{course, start, end?}; place {employer, job, start_date, monthly_wage}; "
            "decline and close {reason}",
            "parameters": [
                REFERRAL_ID,
                {
                    "name": "trigger",
                    "in": "path",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "enum": ["claim", "contact", "start_training", "place", "decline", "close"],
                    },
                },
            ],
            "requestBody": _json({"type": "object"}),
            "responses": {
                "200": {
                    "description": "The referral after the change",
                    **_json({"type": "object"}),
                },
                "409": {"description": "Not possible in its state", **_json(_ref("Error"))},
                "422": {"description": "Invalid data", **_json(_ref("Invalid"))},
                **ERRORS,
            },
        }
    },
    "/vacancies": {
        "get": {
            "summary": "The vacancies of the officer's centre",
            "responses": {
                "200": {"description": "Vacancies", **_json({"type": "object"})},
                **ERRORS,
            },
        },
        "post": {
            "summary": "Enter a vacancy",
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["employer", "title", "industry", "district_id"],
                    "properties": {
                        "employer": {"type": "string"},
                        "title": {"type": "string"},
                        "industry": {"type": "string"},
                        "district_id": {"type": "integer"},
                        "wage_min": MONEY,
                        "wage_max": MONEY,
                        "skills": {"type": "array", "items": {"type": "string"}},
                        "openings": {"type": "integer", "minimum": 1},
                    },
                }
            ),
            "responses": {
                "201": {"description": "The vacancy", **_json({"type": "object"})},
                "422": {"description": "Invalid data", **_json(_ref("Invalid"))},
                **ERRORS,
            },
        },
    },
    "/stats": {
        "get": {
            "summary": "Supervisor figures for the caller's jurisdiction (cases received in "
            "the period); amounts as decimal strings, rates in percent. The period is a preset "
            "containing the day `on` (default today), or custom `from`–`to` (the default when "
            "`from` or `to` is given); without either, this month.",
            "parameters": [
                {"name": name, "in": "query", "schema": schema}
                for name, schema in (
                    (
                        "period",
                        {
                            "type": "string",
                            "enum": ["day", "week", "month", "quarter", "year", "custom"],
                        },
                    ),
                    ("on", {"type": "string", "format": "date"}),
                    ("from", {"type": "string", "format": "date"}),
                    ("to", {"type": "string", "format": "date"}),
                    ("region", {"type": "integer"}),
                    ("tier", _enum(Tier)),
                    ("organization", {"type": "integer"}),
                    ("category", _enum(Category)),
                    ("channel", _enum(Channel)),
                    ("priority", _enum(PriorityGroup)),
                )
            ],
            "responses": {
                "200": {"description": "Figures", **_json(_ref("Figures"))},
                "422": {"description": "Invalid filters", **_json(_ref("Invalid"))},
                "503": {
                    "description": "Figures not counted yet (flask figures rebuild)",
                    **_json(_ref("Error")),
                },
                **ERRORS,
            },
        }
    },
    "/queue": {
        "get": {
            "summary": "The mediator's worklist",
            "parameters": [
                {
                    "name": "view",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["queue", "mine", "done"]},
                },
                {"name": "state", "in": "query", "schema": _enum(CaseState)},
                {"name": "category", "in": "query", "schema": _enum(Category)},
                {"name": "priority", "in": "query", "schema": _enum(PriorityGroup)},
                {"name": "overdue", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "A page", **_json(_ref("CaseList"))}, **ERRORS},
        }
    },
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Labour-dispute mediation API",
        "version": "1",
        "description": "Every call except /tokens needs `Authorization: Bearer <token>`. "
        "Messages follow Accept-Language (zh-CN by default, or en).",
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearer": []}],
    "paths": PATHS,
}


def _figures_schema() -> dict:
    """The /stats answer, from the Figures dataclass itself, described by the definitions
    the dashboard prints (in the caller's language)."""
    described = {key: str(formula) for key, _label, formula in DEFINITIONS}
    decimal = {"type": "string", "nullable": True, "example": "86.5"}
    kinds = {
        int: {"type": "integer"},
        Decimal: MONEY,
        Decimal | None: decimal,
        dict[str, int]: {"type": "object", "additionalProperties": {"type": "integer"}},
        dict[int, int]: {
            "type": "object",
            "description": "days → closed cases",
            "additionalProperties": {"type": "integer"},
        },
        dict[str, dict[str, int]]: {
            "type": "object",
            "description": "tier → outcome → cases",
            "additionalProperties": {"type": "object"},
        },
    }
    properties = {
        field.name: {**kinds[field.type], **_description(described.get(field.name))}
        for field in fields(Figures)
    }
    properties["transfers"]["description"] = "sending tier>receiving tier → transfers"
    properties["filters"] = {"type": "object", "description": "The filters applied"}
    return {"type": "object", "properties": properties}


def _description(text: str | None) -> dict:
    return {"description": text} if text else {}


def document():
    schemas = {**SCHEMAS, "Figures": _figures_schema()}
    return jsonify({**DOCUMENT, "components": {**DOCUMENT["components"], "schemas": schemas}})
