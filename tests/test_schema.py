"""The OpenAPI schema describes the whole REST contract of API.md, and generates without warnings."""

import pytest
import yaml
from django.core.management import call_command

from casework.models import Category

pytestmark = pytest.mark.django_db

CONTRACT = {
    "/api/auth/token/": ["post"],
    "/api/auth/password-reset/": ["post"],
    "/api/auth/logout/": ["post"],
    "/api/me/": ["get"],
    "/api/children/": ["get"],
    "/api/categories/": ["get"],
    "/api/cases/": ["get", "post"],
    "/api/cases/{id}/": ["get"],
    "/api/cases/{id}/timeline/": ["get"],
    "/api/cases/{id}/messages/": ["post"],
    "/api/cases/{id}/acknowledge/": ["post"],
    "/api/cases/{id}/start/": ["post"],
    "/api/cases/{id}/await-parent/": ["post"],
    "/api/cases/{id}/resume/": ["post"],
    "/api/cases/{id}/resolve/": ["post"],
    "/api/cases/{id}/close/": ["post"],
    "/api/cases/{id}/reopen/": ["post"],
    "/api/cases/{id}/chase/": ["post"],
    "/api/cases/{id}/reassign/": ["post"],
    "/api/officers/": ["get"],
    "/api/officers/{id}/offboard/": ["post"],
    "/api/officers/{id}/cover/": ["get", "post"],
    "/api/officers/{id}/cover/{cover_id}/end/": ["post"],
    "/api/notifications/": ["get"],
    "/api/notifications/{id}/read/": ["post"],
    "/api/reports/sla/": ["get"],
    "/api/reports/accountability/": ["get"],
}


def test_the_schema_describes_every_path_of_the_contract(api, borough):
    response = api.as_user(borough.parent1).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")

    schema = yaml.safe_load(response.content)
    missing = [
        f"{method.upper()} {path}"
        for path, methods in CONTRACT.items()
        for method in methods
        if method not in schema["paths"].get(path, {})
    ]
    assert response.status_code == 200
    assert missing == []
    case = schema["components"]["schemas"]["CaseOutput"]["properties"]
    assert {"reference", "accountable_officer", "sla", "escalation_level"} <= case.keys()
    cover_list = schema["paths"]["/api/officers/{id}/cover/"]["get"]["responses"]["200"]
    assert cover_list["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginatedCoverOutputList"}


def test_the_schema_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def schema_of(api, user) -> dict:
    response = api.as_user(user).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


def test_the_schema_documents_the_error_answers_where_they_occur(api, borough):
    paths = schema_of(api, borough.parent1)["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert {"400", "401", "403", "404", "409", "413"} <= codes("/api/cases/{id}/resolve/", "post")
    assert {"400", "401", "403", "404", "409", "413"} <= codes("/api/officers/{id}/offboard/", "post")
    assert {"400", "401", "403", "409", "413"} <= codes("/api/cases/", "post")
    assert {"400", "401", "403", "404"} <= codes("/api/cases/", "get")  # a filter, a page past the end
    assert {"400", "413", "429"} <= codes("/api/auth/token/", "post")
    assert "401" not in codes("/api/auth/token/", "post")
    assert {"400", "404"} <= codes("/api/reports/open-data/sla.json", "get")
    assert {"400", "401", "403"} <= codes("/api/reports/sla/", "get")
    assert "409" not in codes("/api/notifications/read-all/", "post")
    error = paths["/api/cases/{id}/"]["get"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}


def test_the_schema_gives_the_categories_a_concern_can_have(api, borough):
    schema = schema_of(api, borough.parent1)

    category = schema["components"]["schemas"]["CaseLogInputRequest"]["properties"]["category"]
    if "allOf" in category:  # drf-spectacular names each enum as a component of its own
        category = schema["components"]["schemas"][category["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert category["enum"] == list(Category.objects.filter(active=True).order_by("position", "name")
                                    .values_list("slug", flat=True))
    assert "transport" in category["enum"]


def test_the_schema_says_text_may_not_be_only_spaces(api, borough):
    properties = schema_of(api, borough.parent1)["components"]["schemas"]["CaseLogInputRequest"]["properties"]

    assert properties["summary"]["pattern"] == r"\S"
    assert properties["summary"]["maxLength"] == 200
    assert properties["description"]["pattern"] == r"\S"
