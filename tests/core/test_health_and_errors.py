def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"  # the contract's shape; database and worker are extra fields
    assert response.json["database"] == "ok"
    assert response.json["worker"]["status"] == "immediate"  # tests run jobs where they are queued
    assert "redis" not in response.json  # REDIS_URL is not set


def test_unknown_page_is_a_bilingual_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    response = client.get("/no/such/page", headers={"Accept-Language": "zh-HK"})
    assert "找不到頁面" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_wrong_method_on_api_is_json_405(client, api_token):
    _user, token = api_token("organiser")
    response = client.delete("/api/v1/forums", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert "error" in response.json


def test_unexpected_error_is_a_500_page_without_details(app, login_as):
    from flask import Blueprint

    # A route that fails, on a throw-away app sharing the database.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        client = app.test_client()
        view = app.view_functions["home.index"]

        def broken():
            raise RuntimeError("secret internals")

        app.view_functions["home.index"] = broken
        response = client.get("/")
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert "secret internals" not in text and "Something went wrong" in text
    finally:
        app.view_functions["home.index"] = view
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert Blueprint


def test_a_nul_character_in_a_form_or_address_is_a_400_with_a_reason(client):
    # PostgreSQL cannot hold a NUL in text: a form field or query string carrying one used to reach
    # the database and answer 500 there. It is refused before any view runs, on both databases.
    response = client.post("/login", data={"email": "a\x00b@example.org", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    response = client.get("/login?next=%00")
    assert response.status_code == 400
    response = client.get("/login?next=%00", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid"
