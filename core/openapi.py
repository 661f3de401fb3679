"""The error answers of every operation in the OpenAPI schema (API.md "Errors"), so a schema-driven client
and a schema fuzzer expect what the server does.

drf-spectacular documents each operation's success only. This post-processing hook adds the errors the
project's handlers give, by the rules they follow, with the one JSON shape they share:
- 400 where the request carries a body or a query: field errors, or `detail`;
- 401 and 403 where sign-in is needed: not signed in; signed in but not allowed (or a missing CSRF token);
- 404 where the path names an object (not found, or not yours to see) and on a paginated list (a page past
  the end);
- 409 for the actions on cases and officers: the action does not fit the state the case or officer is in;
- 413 where the request carries a body: over the size limit (core/middleware.py);
- 429 on the token endpoint: too many wrong passwords for one username from one address (django-axes), or from
  one address or everyone together (accounts/sign_in.py).
Open data needs no sign-in and answers 404 until it is published.
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Each field with its messages (`{"summary": ["..."]}`), `non_field_errors`, or `detail`.',
    "additionalProperties": True,
}
WHY = {
    "400": "The input is not valid: nothing was written.",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not yours to see.",
    "409": "The action does not fit the current state: nothing was written.",
    "413": "The request body is over the size limit: nothing was read.",
    "429": "Too many attempts to sign in, so signing in is paused: wait as `Retry-After` says, then try again.",
}
BODY_METHODS = {"post", "put", "patch"}
STATEFUL_ACTION_PREFIXES = ("/api/cases/", "/api/officers/")
TOKEN_PATH = "/api/auth/token/"


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {}).update(Error=ERROR, FieldErrors=FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in errors_of(path, method, operation):
                responses.setdefault(status, error_response(status))
    return result


def errors_of(path: str, method: str, operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    has_body = method in BODY_METHODS
    statuses = []
    if has_body or any(parameter["in"] == "query" for parameter in parameters):
        statuses.append("400")
    if needs_sign_in(operation):
        statuses += ["401", "403"]
    names_an_object = any(parameter["in"] == "path" for parameter in parameters)
    paginated = any(parameter["name"] == "page" for parameter in parameters)
    if names_an_object or paginated or not needs_sign_in(operation) and method == "get":
        statuses.append("404")
    if method == "post" and path.startswith(STATEFUL_ACTION_PREFIXES):
        statuses.append("409")
    if has_body:
        statuses.append("413")
    if path == TOKEN_PATH:
        statuses.append("429")
    return statuses


def needs_sign_in(operation: dict) -> bool:
    security = operation.get("security")
    return bool(security) and {} not in security


def error_response(status: str) -> dict:
    if status == "429":
        # django-axes answers the lockout itself, not in the API's JSON shape.
        return {"description": WHY[status]}
    schema = "FieldErrors" if status == "400" else "Error"
    return {
        "description": WHY[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
