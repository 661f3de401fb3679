from casework import services
def test_scratch(borough, api):
    b = borough
    c = services.case_log(actor=b.parent1, child_id=b.child1.pk, category_slug="other", summary="s", description="d")
    print("owner", c.accountable_officer, c.accountable_officer.is_manager, "officer1", b.officer1)
    r = api.get("/api/cases/")
    print("anon", r.status_code, r.json(), r.headers.get("WWW-Authenticate"))
    r = api.as_user(b.parent1).get("/api/cases/?mine=maybe")
    print("mine", r.status_code)
    r = api.as_user(b.parent1).get("/api/cases/?status=bogus&category=nope&ordering=sideways&officer=x")
    print(r.status_code, r.json())
