"""Nothing about a child is kept in a browser's cache for the next person at a shared computer."""


def test_a_familys_page_is_never_stored_by_the_browser(client, borough):
    client.force_login(borough.parent1)

    response = client.get("/concerns/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_api_answer_is_never_stored_either(api, borough):
    response = api.as_user(borough.parent1).get("/api/cases/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_caching_keeps_it(client, borough):
    # The sign-in page says never cache (max-age=0, no-cache, no-store, must-revalidate) itself.
    response = client.get("/sign-in/")

    assert "must-revalidate" in response["Cache-Control"]
