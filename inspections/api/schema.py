"""Additions to the OpenAPI description that drf-spectacular cannot infer from the views.

Every operation can answer with an error (bad input or filters, not signed in, not allowed, no
such record, too many requests); each is declared once here, with its JSON shape, for every
operation and in each content type the operation speaks (JSON, and CSV for the lists).
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": 'Messages by field: {"on_site_end": ["The on-site end must be …"]}; rules '
    'about the whole record under "non_field_errors"; a body that cannot be read under "detail".',
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
ERRORS = {
    "400": ("Invalid input or filters: messages naming each field", "ValidationError"),
    "401": ("No valid token or session", "Error"),
    "403": ("Signed in, but not allowed to do this", "Error"),
    "404": ("No such record (or not one you may see), or an unknown page or format", "Error"),
    "405": ("This endpoint does not allow this method", "Error"),
    "429": ("Too many requests for this token: wait the Retry-After seconds", "Error"),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: declare the shared error responses everywhere."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        # An error comes in the format asked for (?format=csv), whatever the method.
        media_types = {"application/json"}
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                media_types |= set((response or {}).get("content", {}))
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                # Errors declared by a view (412, say) without a body: {"detail": "..."}.
                if code.startswith("4") and code not in ERRORS and not response.get("content"):
                    response["content"] = {
                        media_type: {"schema": {"$ref": "#/components/schemas/Error"}}
                        for media_type in sorted(media_types)
                    }
            for code, (description, name) in ERRORS.items():
                response = responses.setdefault(code, {"description": description})
                content = response.setdefault("content", {})
                for media_type in sorted(media_types):
                    content.setdefault(
                        media_type, {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    )
    return result
