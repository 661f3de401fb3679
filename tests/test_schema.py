"""The OpenAPI schema describes the whole REST contract of API.md, and generates without warnings."""

import pytest
import yaml
from django.core.management import call_command

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
