"""The server's OpenAPI description (``/openapi.json``) and a docs page made from it that loads nothing."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from fr2en._version import __version__
from fr2en.write import page

_ERROR = {
    "description": "An error, as LibreTranslate gives it",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_FORMAT = {
    "name": "format",
    "in": "query",
    "description": "json (default), one of the command line's outputs (tmx, xlf, tsv, jsonl, md, html, txt) "
    "to download, or view (the table rows of the page at /)",
    "schema": {"type": "string", "default": "json"},
}
_RESULT = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}}}
_ERRORS = {"400": _ERROR, "403": _ERROR, "413": _ERROR, "429": _ERROR, "500": _ERROR, "504": _ERROR}


def _json_or_form(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
            "multipart/form-data": {"schema": schema},
        }
    }


def _op(summary: str, description: str, body: dict[str, Any] | None, ok: dict[str, Any], **extra: Any) -> Any:
    operation: dict[str, Any] = {"summary": summary, "description": description, "responses": {"200": ok}}
    if body is not None:
        operation["requestBody"] = body
        operation["responses"].update(_ERRORS)
    operation.update(extra)
    return operation


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    text_or_list = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    lt_body = _json_or_form(
        {
            "q": text_or_list,
            "source": {"type": "string", "enum": ["fr", "auto"]},
            "target": {"type": "string", "enum": ["en"]},
            "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
            "api_key": {"type": "string"},
        },
        ["q", "source", "target"],
    )
    translated = {
        "description": "The English",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"translatedText": text_or_list, "detectedLanguage": {}},
                }
            }
        },
    }
    plain = {"description": "JSON", "content": {"application/json": {}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fr2en",
            "version": __version__,
            "description": "French→English translation with every sentence pair scored and flagged. "
            "The LibreTranslate-compatible routes accept JSON, forms (urlencoded or multipart) and "
            "query strings; fr2en's own routes are under /v1.",
        },
        "paths": {
            "/translate": {
                "post": _op(
                    "Translate (LibreTranslate)",
                    "q may be a list in JSON; the query string works too.",
                    lt_body,
                    translated,
                )
            },
            "/detect": {
                "post": _op(
                    "Detect the language (LibreTranslate)",
                    "French or English, with a confidence 0..100, from fr2en's own offline French evidence.",
                    _json_or_form({"q": {"type": "string"}, "api_key": {"type": "string"}}, ["q"]),
                    plain,
                )
            },
            "/languages": {"get": _op("Languages (LibreTranslate)", "fr → en.", None, plain)},
            "/frontend/settings": {"get": _op("Front-end settings (LibreTranslate)", "Limits.", None, plain)},
            "/health": {"get": _op("Health", '{"status": "ok"}', None, plain)},
            "/v1/translate": {
                "post": _op(
                    "Translate, align and score",
                    'JSON {"text": ...} or a multipart upload in the field "file".',
                    {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"text": {"type": "string"}}}
                            },
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                }
                            },
                        }
                    },
                    {"description": "The pairs", **_RESULT},
                    parameters=[_FORMAT],
                )
            },
            "/v1/align": {
                "post": _op(
                    "Align a French text with its English translation",
                    "n:m sentence alignment, scored; no model.",
                    _json_or_form(
                        {"french": {"type": "string"}, "english": {"type": "string"}}, ["french", "english"]
                    ),
                    {"description": "The pairs", **_RESULT},
                    parameters=[_FORMAT],
                )
            },
            "/v1/score": {
                "post": _op(
                    "Score line-aligned translations",
                    "src and hyp (and optional ref): strings of lines or lists; model=false for the "
                    "model-free checks only.",
                    _json_or_form(
                        {
                            "src": text_or_list,
                            "hyp": text_or_list,
                            "ref": text_or_list,
                            "model": {"type": "boolean"},
                        },
                        ["src", "hyp"],
                    ),
                    {"description": "The pairs", **_RESULT},
                    parameters=[_FORMAT],
                )
            },
        },
        "components": {
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}},
                "Result": {
                    "type": "object",
                    "properties": {
                        "english": {"type": "string"},
                        "pairs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "src": {"type": "string"},
                                    "tgt": {"type": "string"},
                                    "score": {"type": "number"},
                                    "flags": {"type": "array", "items": {"type": "string"}},
                                    "alignment": {"type": "object"},
                                    "paragraph": {"type": "integer"},
                                },
                            },
                        },
                        "summary": {"type": "object"},
                        "signature": {"type": "string"},
                        "notes": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        },
    }


_DOCS_STYLE = (
    page.BASE_STYLE
    + """
section { border-top: 1px solid var(--line); padding: .4rem 0; }
.method { display: inline-block; min-width: 3.5rem; font-weight: 700; color: var(--accent); }
code { font-size: 13px; }
"""
)


@lru_cache(maxsize=1)
def docs_page() -> str:
    """Every route with its summary and description, rendered here: no Swagger from a CDN."""
    sections = []
    for path, methods in spec()["paths"].items():
        for method, operation in methods.items():
            sections.append(
                f'<section><span class="method">{method.upper()}</span> <code>{escape(path)}</code>'
                f' — {escape(operation["summary"])}<br><span class="muted">'
                f"{escape(operation['description'])}</span></section>\n"
            )
    return (
        page.head("fr2en API", _DOCS_STYLE, "")
        + "<body>\n<h1>fr2en API</h1>\n"
        + '<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a>. '
        'Errors are <code>{"error": "..."}</code> with status 400, 403, 413, 429, 500 or 504.</p>\n'
        + "".join(sections)
        + "</body></html>\n"
    )
