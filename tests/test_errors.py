"""Error pages: people get a page with a way back, API clients get JSON, never a traceback."""


def test_unknown_page_is_a_friendly_404(client, world):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert b"There is nothing at this address" in resp.data and b"Back to the start page" in resp.data


def test_forbidden_page_is_a_friendly_403(login_as, client):
    login_as("member_a")
    resp = client.get("/club/firms")
    assert resp.status_code == 403
    assert b"You do not have access to this page" in resp.data


def test_unexpected_error_is_a_500_page_without_traceback(app, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        with app.test_request_context("/"):
            resp = app.handle_exception(RuntimeError("secret internals"))
        body = resp.get_data(as_text=True)
        assert resp.status_code == 500
        assert "Something went wrong" in body
        assert "secret internals" not in body and "Traceback" not in body
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None


def test_json_clients_get_json_errors(client, world):
    resp = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.is_json and resp.get_json()["error"] == "Not found"
