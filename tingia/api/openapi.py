"""The OpenAPI 3 document of API v1, served at /api/v1/openapi.json.

Kept by hand next to the routes; tests/test_api_openapi.py fails when a route and the document
disagree, so neither can drift.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from tingia.api import bp
from tingia.models import CASE_STATUSES, CATEGORIES, CATEGORY_HINTS, PLATFORMS, REPORT_STATUSES


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
    "platform": {"type": "string", "enum": list(PLATFORMS)},
    "province": {"type": "string", "pattern": "^[0-9]{2}$", "description": "Province code."},
    "category_hint": {"type": "string", "enum": list(CATEGORY_HINTS), "default": "unsure"},
    "contact_name": {"type": "string", "maxLength": 200},
    "contact_email": {"type": "string", "format": "email"},
    "contact_phone": {"type": "string", "description": "Vietnamese phone number."},
    "contact_consent": {
        "type": "boolean",
        "description": "Required when any contact field is given: the citizen agrees to be "
        "contacted about this report.",
    },
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
            "status": {"type": "string", "enum": list(REPORT_STATUSES)},
            "status_url": {"type": "string", "format": "uri"},
        },
    },
    "ReportStatus": {
        "type": "object",
        "required": ["tracking_code", "status", "submitted_at"],
        "properties": {
            "tracking_code": {"type": "string"},
            "status": {"type": "string", "enum": list(REPORT_STATUSES)},
            "submitted_at": DATE_TIME,
            "processed_at": {**DATE_TIME, "nullable": True},
            "status_url": {"type": "string", "format": "uri"},
            "page_url": {"type": "string", "format": "uri"},
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
            "status": {"type": "string", "enum": list(REPORT_STATUSES)},
            "content": {"type": "string"},
            "url": NULLABLE_STRING,
            "canonical_url": NULLABLE_STRING,
            "platform": {"type": "string", "enum": list(PLATFORMS)},
            "province": {"type": "string"},
            "category_hint": {"type": "string", "enum": list(CATEGORY_HINTS)},
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
        "required": ["id", "status", "category", "province", "report_count", "reports"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": list(CASE_STATUSES)},
            "category": {"type": "string", "enum": list(CATEGORIES), "nullable": True},
            "province": {**NULLABLE_STRING, "description": "null for the national centre"},
            "centre": {"type": "string"},
            "report_count": {"type": "integer"},
            "reports": {"type": "array", "items": {"type": "string"}},
            "assignee": NULLABLE_STRING,
            "first_seen": DATE_TIME,
            "last_seen": DATE_TIME,
            "url": {"type": "string", "format": "uri"},
        },
    },
    "CaseDetail": {
        "allOf": [
            _ref("CaseSummary"),
            {
                "type": "object",
                "properties": {"reports": {"type": "array", "items": _ref("StaffReport")}},
            },
        ]
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
                    "schema": {"type": "string", "enum": list(CASE_STATUSES)},
                },
                {
                    "name": "category",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(CATEGORIES)},
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
