"""The OpenAPI 3 document of API v1, served at /api/v1/openapi.json.

Kept by hand next to the routes; tests/test_api_openapi.py fails when a route and the document
disagree, so neither can drift.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from tingia.api import bp
from tingia.models import (
    CaseStatus,
    Category,
    CategoryHint,
    Platform,
    PublicationKind,
    PublicationStatus,
    Rating,
    ReportStatus,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


NULLABLE_STRING = {"type": "string", "nullable": True}
DATE_TIME = {"type": "string", "format": "date-time"}

REPORT_FIELDS: dict[str, Any] = {
    "content": {"type": "string", "maxLength": 20000, "description": "The text the citizen saw."},
    "url": {"type": "string", "maxLength": 2048, "description": "Link to the content."},
    "platform": {"type": "string", "enum": [m.value for m in Platform]},
    "province": {"type": "string", "pattern": "^[0-9]{2}$", "description": "Province code."},
    "category_hint": {
        "type": "string",
        "enum": [m.value for m in CategoryHint],
        "default": "unsure",
    },
    "contact_name": {"type": "string", "maxLength": 200},
    "contact_email": {"type": "string", "format": "email"},
    "contact_phone": {"type": "string", "description": "Vietnamese phone number."},
    "contact_consent": {
        "type": "boolean",
        "description": "Required when any contact field is given: the citizen agrees to be "
        "contacted about this report.",
    },
}

URI = {"type": "string", "format": "uri"}
NULLABLE_DATE_TIME = {**DATE_TIME, "nullable": True}

OUTCOME: dict[str, Any] = {
    "type": "object",
    "description": "What came of the report: the published verdict or fraud warning, or a "
    "neutral explanation when the case was closed; null while it is being handled.",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "enum": [*[m.value for m in PublicationKind], "closed"]},
        "rating": {"type": "string", "enum": [*[m.value for m in Rating], None], "nullable": True},
        "title": NULLABLE_STRING,
        "url": {**URI, "nullable": True, "description": "The public page."},
        "message": NULLABLE_STRING,
    },
}

STAFF_VERDICT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "case_id", "kind", "status", "title"],
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": "integer"},
        "kind": {"type": "string", "enum": [m.value for m in PublicationKind]},
        "status": {"type": "string", "enum": [m.value for m in PublicationStatus]},
        "rating": {"type": "string", "enum": [*[m.value for m in Rating], None], "nullable": True},
        "title": {"type": "string"},
        "claim": {"type": "string"},
        "summary": {"type": "string"},
        "explanation": {"type": "string"},
        "advice": {"type": "string"},
        "sources": {"type": "array", "items": URI},
        "author": {"type": "string", "description": "Email of whoever wrote it last."},
        "published_by": NULLABLE_STRING,
        "published_at": NULLABLE_DATE_TIME,
        "unpublished_at": NULLABLE_DATE_TIME,
        "unpublish_reason": NULLABLE_STRING,
        "url": {**URI, "nullable": True, "description": "Public page, while published."},
    },
}

CLAIM_REVIEW: dict[str, Any] = {
    "type": "object",
    "description": "schema.org ClaimReview (https://schema.org/ClaimReview).",
    "required": [
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "datePublished",
        "author",
        "reviewRating",
        "itemReviewed",
    ],
    "properties": {
        "@context": {"type": "string", "enum": ["https://schema.org"]},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": URI,
        "headline": {"type": "string"},
        "claimReviewed": {"type": "string"},
        "datePublished": {"type": "string", "format": "date"},
        "inLanguage": {"type": "string"},
        "author": {
            "type": "object",
            "required": ["@type", "name"],
            "properties": {
                "@type": {"type": "string", "enum": ["Organization"]},
                "name": {"type": "string"},
                "url": URI,
            },
        },
        "reviewRating": {
            "type": "object",
            "required": ["@type", "ratingValue", "bestRating", "worstRating", "alternateName"],
            "properties": {
                "@type": {"type": "string", "enum": ["Rating"]},
                "ratingValue": {"type": "integer", "minimum": 1, "maximum": 5},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
                "alternateName": {"type": "string", "example": "Tin giả"},
            },
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type"],
            "properties": {
                "@type": {"type": "string", "enum": ["Claim"]},
                "datePublished": {"type": "string", "format": "date"},
                "appearance": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"@type": {"type": "string"}, "url": URI},
                    },
                },
            },
        },
    },
}

# A case as listed and in detail: the detail has the reports in full instead of their codes.
CASE_REQUIRED = ["id", "status", "category", "province", "report_count", "reports"]
CASE_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "status": {"type": "string", "enum": [m.value for m in CaseStatus]},
    "category": {"type": "string", "enum": [*[m.value for m in Category], None], "nullable": True},
    "province": {**NULLABLE_STRING, "description": "null for the national centre"},
    "centre": {"type": "string"},
    "report_count": {"type": "integer"},
    "assignee": NULLABLE_STRING,
    "first_seen": DATE_TIME,
    "last_seen": DATE_TIME,
    "url": URI,
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "ReportInput": {
        "type": "object",
        "required": ["platform", "province"],
        "description": "At least one of content, url or images is required.",
        "properties": REPORT_FIELDS,
    },
    "ReportUpload": {
        "type": "object",
        "required": ["platform", "province"],
        "properties": {
            **REPORT_FIELDS,
            "images": {
                "type": "array",
                "maxItems": 5,
                "items": {"type": "string", "format": "binary"},
                "description": "JPEG, PNG or WebP, 10 MB each.",
            },
        },
    },
    "ReportCreated": {
        "type": "object",
        "required": ["tracking_code", "status", "status_url"],
        "properties": {
            "tracking_code": {"type": "string", "example": "K7QM-4XRT-2PNB"},
            "status": {"type": "string", "enum": [m.value for m in ReportStatus]},
            "status_url": {"type": "string", "format": "uri"},
        },
    },
    "ReportStatus": {
        "type": "object",
        "required": ["tracking_code", "status", "submitted_at"],
        "properties": {
            "tracking_code": {"type": "string"},
            "status": {"type": "string", "enum": [m.value for m in ReportStatus]},
            "submitted_at": DATE_TIME,
            "processed_at": {**DATE_TIME, "nullable": True},
            "status_url": {"type": "string", "format": "uri"},
            "page_url": {"type": "string", "format": "uri"},
            "outcome": {**OUTCOME, "nullable": True},
        },
    },
    "Attachment": {
        "type": "object",
        "required": ["id", "url", "sha256", "width", "height"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "format": "uri", "description": "Staff token required."},
            "sha256": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "content_type": {"type": "string"},
            "size_bytes": {"type": "integer"},
            "text_heavy": {"type": "boolean", "nullable": True},
        },
    },
    "StaffReport": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "tracking_code": {"type": "string"},
            "status": {"type": "string", "enum": [m.value for m in ReportStatus]},
            "content": {"type": "string"},
            "url": NULLABLE_STRING,
            "canonical_url": NULLABLE_STRING,
            "platform": {"type": "string", "enum": [m.value for m in Platform]},
            "province": {"type": "string"},
            "category_hint": {"type": "string", "enum": [m.value for m in CategoryHint]},
            "source": {"type": "string"},
            "created_at": DATE_TIME,
            "processed_at": {**DATE_TIME, "nullable": True},
            "match": {"type": "object"},
            "attachments": {"type": "array", "items": _ref("Attachment")},
            "contact": {
                "type": "object",
                "nullable": True,
                "description": "Only for staff of the case's centre.",
                "properties": {
                    "name": NULLABLE_STRING,
                    "email": NULLABLE_STRING,
                    "phone": NULLABLE_STRING,
                },
            },
        },
    },
    "CaseSummary": {
        "type": "object",
        "required": CASE_REQUIRED,
        "properties": {
            **CASE_FIELDS,
            "reports": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Tracking codes of the case's reports.",
            },
        },
    },
    "Suggestion": {
        "type": "object",
        "required": ["id", "report_id", "tracking_code", "score", "basis", "status"],
        "properties": {
            "id": {"type": "integer"},
            "report_id": {"type": "integer"},
            "tracking_code": {"type": "string"},
            "score": {"type": "number"},
            "basis": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "confirmed", "rejected"]},
        },
    },
    "CaseDetail": {
        "type": "object",
        "required": CASE_REQUIRED,
        "properties": {
            **CASE_FIELDS,
            "reports": {"type": "array", "items": _ref("StaffReport")},
            "category_reason": NULLABLE_STRING,
            "action_taken": NULLABLE_STRING,
            "escalated_at": NULLABLE_DATE_TIME,
            "merged_into": {"type": "integer", "nullable": True},
            "suggestions": {
                "type": "array",
                "items": _ref("Suggestion"),
                "description": "Pending suggestions whose report the user may see.",
            },
            "verdict": {**STAFF_VERDICT, "nullable": True},
        },
    },
    "StaffVerdict": STAFF_VERDICT,
    "TriageInput": {
        "type": "object",
        "required": ["category"],
        "properties": {
            "category": {"type": "string", "enum": [m.value for m in Category]},
            "reason": {"type": "string", "description": "Required for out_of_scope."},
        },
    },
    "AssignInput": {
        "type": "object",
        "description": 'Either user_id or email; {"user_id": null} unassigns.',
        "properties": {
            "user_id": {"type": "integer", "nullable": True},
            "email": {"type": "string", "format": "email"},
        },
    },
    "VerdictInput": {
        "type": "object",
        "required": ["rating", "title", "summary", "explanation", "sources"],
        "properties": {
            "rating": {"type": "string", "enum": [m.value for m in Rating]},
            "title": {"type": "string", "maxLength": 300},
            "claim": {"type": "string", "description": "The claim as checked; default: title."},
            "summary": {"type": "string"},
            "explanation": {"type": "string"},
            "sources": {"type": "array", "minItems": 1, "maxItems": 20, "items": URI},
        },
    },
    "WarningInput": {
        "type": "object",
        "required": ["title", "explanation", "advice"],
        "properties": {
            "title": {"type": "string", "maxLength": 300},
            "summary": {"type": "string"},
            "explanation": {"type": "string", "description": "How the scam works."},
            "advice": {"type": "string", "description": "How to protect oneself."},
            "sources": {"type": "array", "maxItems": 20, "items": URI},
        },
    },
    "ReasonInput": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string"}},
    },
    "MergeInput": {
        "type": "object",
        "required": ["case_id"],
        "properties": {
            "case_id": {"type": "integer", "description": "The case merged INTO this one."}
        },
    },
    "ClaimReview": CLAIM_REVIEW,
    "PublicVerdict": {
        "type": "object",
        "required": ["id", "url", "rating", "title", "published_at", "province", "claim_review"],
        "properties": {
            "id": {"type": "integer"},
            "url": URI,
            "rating": {"type": "string", "enum": [m.value for m in Rating]},
            "title": {"type": "string"},
            "claim": {"type": "string"},
            "summary": {"type": "string"},
            "published_at": DATE_TIME,
            "province": {**NULLABLE_STRING, "description": "null for the national centre"},
            "centre": {"type": "string"},
            "claim_review": _ref("ClaimReview"),
        },
    },
    "VerdictList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref("PublicVerdict")},
            "next": {"type": "string", "format": "uri", "nullable": True},
        },
    },
    "CaseList": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref("CaseSummary")},
            "next": {"type": "string", "format": "uri", "nullable": True},
        },
    },
}

BEARER = [{"bearerAuth": []}]
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
CODE_PARAM = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


ACTION_ERRORS = {
    "401": _error("No valid token."),
    "403": _error("The user's role does not allow this action."),
    "404": _error("No such case (or report, suggestion) in the user's scope."),
    "409": _error("Not allowed in the case's current state; the message says why."),
    "422": _error("Invalid fields; `fields` names them."),
}


def _case_action(operation_id: str, summary: str, body: str | None, answer: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "security": BEARER,
        "parameters": [_id_param("case_id")],
        "responses": {"200": _json(_ref(answer), "Done."), **ACTION_ERRORS},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    if operation_id in ("saveVerdict", "saveWarning"):
        operation["responses"]["201"] = _json(_ref(answer), "Draft created.")
    return operation


PATHS: dict[str, Any] = {
    "/reports": {
        "post": {
            "operationId": "createReport",
            "summary": "Report suspected fake news, harmful content or online fraud",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("ReportInput")},
                    "multipart/form-data": {"schema": _ref("ReportUpload")},
                },
            },
            "responses": {
                "201": _json(_ref("ReportCreated"), "Accepted; keep the tracking code."),
                "400": _error("The body is not valid JSON."),
                "413": _error("An image or the whole request is too large."),
                "415": _error("Unsupported body or image type."),
                "422": _error("Invalid fields; `fields` names them."),
                "429": _error("Too many reports from this address."),
            },
        }
    },
    "/reports/{code}": {
        "get": {
            "operationId": "getReport",
            "summary": "Status of a report, by tracking code",
            "parameters": [CODE_PARAM],
            "responses": {
                "200": _json(_ref("ReportStatus"), "The report's status."),
                "404": _error("No report has this code."),
                "429": _error("Too many look-ups."),
            },
        }
    },
    "/cases": {
        "get": {
            "operationId": "listCases",
            "summary": "Cases of the user's centre (all cases for national staff)",
            "security": BEARER,
            "parameters": PAGING
            + [
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": [m.value for m in CaseStatus]},
                },
                {
                    "name": "category",
                    "in": "query",
                    "schema": {"type": "string", "enum": [m.value for m in Category]},
                },
                {"name": "province", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": _json(_ref("CaseList"), "A page of cases."),
                "401": _error("No valid token."),
                "422": _error("Invalid filter or paging parameter."),
            },
        }
    },
    "/cases/{case_id}": {
        "get": {
            "operationId": "getCase",
            "summary": "A case with its reports",
            "security": BEARER,
            "parameters": [_id_param("case_id")],
            "responses": {
                "200": _json(_ref("CaseDetail"), "The case."),
                "401": _error("No valid token."),
                "404": _error("No such case in the user's scope."),
            },
        }
    },
    **{
        f"/cases/{{case_id}}/{action}": {"post": _case_action(*spec)}
        for action, spec in {
            "triage": (
                "triageCase",
                "Triage a case (out_of_scope needs a reason and closes it)",
                "TriageInput",
                "CaseDetail",
            ),
            "assign": ("assignCase", "Assign a case to a colleague", "AssignInput", "CaseDetail"),
            "verdict": (
                "saveVerdict",
                "Write or replace the draft verdict of a verifiable case (201 when new)",
                "VerdictInput",
                "StaffVerdict",
            ),
            "warning": (
                "saveWarning",
                "Write or replace the draft fraud warning of a fraud case (201 when new)",
                "WarningInput",
                "StaffVerdict",
            ),
            "publish": (
                "publishCase",
                "Publish the draft: leads and admins, not its author (unless the centre's "
                "only lead)",
                None,
                "StaffVerdict",
            ),
            "unpublish": (
                "unpublishCase",
                "Withdraw the publication (leads and admins)",
                "ReasonInput",
                "StaffVerdict",
            ),
            "merge": (
                "mergeCase",
                "Merge another case into this one",
                "MergeInput",
                "CaseDetail",
            ),
        }.items()
    },
    "/cases/{case_id}/reports/{report_id}/split": {
        "post": {
            "operationId": "splitReport",
            "summary": "Move a report of this case into a new case; answers the new case",
            "security": BEARER,
            "parameters": [_id_param("case_id"), _id_param("report_id")],
            "responses": {
                "201": _json(_ref("CaseDetail"), "The new case."),
                **ACTION_ERRORS,
            },
        }
    },
    **{
        f"/cases/{{case_id}}/suggestions/{{suggestion_id}}/{decision}": {
            "post": {
                "operationId": f"{decision}Suggestion",
                "summary": summary,
                "security": BEARER,
                "parameters": [_id_param("case_id"), _id_param("suggestion_id")],
                "responses": {"200": _json(_ref("CaseDetail"), "The case."), **ACTION_ERRORS},
            }
        }
        for decision, summary in (
            ("confirm", "The suggested report belongs to this case: move it in"),
            ("reject", "The suggested report does not belong to this case"),
        )
    },
    "/verdicts": {
        "get": {
            "operationId": "listVerdicts",
            "summary": "Published verdicts, newest first, with their schema.org ClaimReview",
            "parameters": PAGING,
            "responses": {
                "200": _json(_ref("VerdictList"), "A page of verdicts."),
                "422": _error("Invalid paging parameter."),
            },
        }
    },
    "/attachments/{attachment_id}/image": {
        "get": {
            "operationId": "getAttachmentImage",
            "summary": "A report's stored image",
            "security": BEARER,
            "parameters": [_id_param("attachment_id")],
            "responses": {
                "200": {
                    "description": "The image.",
                    "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
                },
                "401": _error("No valid token."),
                "404": _error("No such image in the user's scope."),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3 document."}},
        }
    },
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document, with the server URL of this deployment."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Tingia API",
            "version": "1.0.0",
            "description": "Report suspected fake news and follow reports; staff endpoints "
            "need a bearer token from `flask tokens create`.",
        },
        "servers": [{"url": url_for("api.openapi_json", _external=True).rsplit("/", 1)[0]}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    """Serve the OpenAPI document."""
    return openapi_document()
