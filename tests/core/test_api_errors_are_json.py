"""Every answer under /api/ is JSON in the contract's error shape, even where Django answers rather than
DRF: an unexpected failure (500), an address no route matches (404), a request Django cannot read (400)."""

import pytest
from django.test import Client

from casework.api import views as casework_api_views


@pytest.fixture
def signed_in(borough):
    client = Client(raise_request_exception=False)
    client.force_login(borough.parent1)
    return client


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/cases/abc/", "/api/cases/1.5/timeline/", "/api/officers/x/offboard/"])
def test_a_non_integer_id_is_a_json_404(signed_in, path):
    assert_json_error(signed_in.get(path), 404)


def test_an_address_no_api_route_matches_is_a_json_404(db):
    response = Client().get("/api/no-such-thing/")

    assert_json_error(response, 404)
    assert response.json() == {"detail": "Not Found"}


def test_an_unexpected_failure_in_the_api_is_a_json_500_saying_nothing_of_the_cause(signed_in, monkeypatch):
    def broken(self, request):
        raise RuntimeError("password=hunter2 in a traceback")

    monkeypatch.setattr(casework_api_views.CategoriesView, "get", broken)

    response = signed_in.get("/api/categories/")

    assert_json_error(response, 500)
    assert "hunter2" not in response.content.decode()


def test_too_many_form_fields_is_a_json_400(db):
    body = "&".join(f"field{number}=x" for number in range(1001))

    response = Client().post("/api/auth/token/", body, content_type="application/x-www-form-urlencoded")

    assert_json_error(response, 400)
    assert response.json() == {"detail": "The request has too many fields: the most is 1000."}


def test_too_many_query_parameters_is_a_json_400(signed_in):
    query = "&".join(f"status{number}=x" for number in range(1001))

    response = signed_in.get(f"/api/cases/?{query}")

    assert_json_error(response, 400)
    assert response.json() == {"detail": "The request has too many fields: the most is 1000."}


def test_pages_outside_the_api_keep_their_html_error_pages(db):
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
