"""Errors for people: a store outage is HTTP 503 in the API's one error shape, a bug is a
short message with a request id (the log has the details under it), bad input says what
was wrong."""

import json
import logging

import flask
import pytest

from dashboard.api import create_api
from dashboard.cache import MemoryCache
from dashboard.errors import install_error_handling, user_message
from dashboard.runtime import Runtime
from dashboard.settings import Settings
from geo.errors import FrontlineError, StoreUnavailable
from geo.stores.sessions import FolderSessions


class DownStore:
    """A store whose database has gone away."""

    kind = "postgis"

    def __init__(self, tmp_path):
        self.sessions = FolderSessions(tmp_path)

    def current(self):
        raise StoreUnavailable("store: the database is unavailable; try again in a few seconds")

    def data_version(self):
        return self.current()


@pytest.fixture
def client(tmp_path):
    server = flask.Flask(__name__)
    api = create_api(Runtime(Settings(), DownStore(tmp_path), MemoryCache()))
    install_error_handling(server, api)
    server.register_blueprint(api)

    @server.get("/page")
    def page():
        raise StoreUnavailable("store: the database is unavailable")

    @server.get("/bug")
    def bug():
        return user_message(KeyError("a Python internal"), "de")

    return server.test_client()


def test_api_answers_503_json(client):
    resp = client.get("/api/v1/events.csv?from=2024-10-01&to=2024-11-01")
    assert resp.status_code == 503
    assert json.loads(resp.data) == {
        "ok": False,
        "error": "store: the database is unavailable; try again in a few seconds",
        "status": 503,
        "request_id": resp.headers["X-Request-Id"],
    }
    assert resp.headers["Retry-After"] == "5"
    assert resp.headers["Cache-Control"] == "no-store"


def test_other_routes_answer_503(client):
    resp = client.get("/page")
    assert resp.status_code == 503
    assert json.loads(resp.data)["status"] == 503


def test_bad_parameters_are_still_400(client):
    resp = client.get("/api/v1/events.csv?from=nope")
    assert resp.status_code == 400 and json.loads(resp.data)["param"] == "from"


def test_a_bug_is_a_short_message_with_the_request_id_and_the_log_has_it(client, caplog):
    with caplog.at_level(logging.ERROR, logger="frontline.errors"):
        resp = client.get("/bug", headers={"X-Request-Id": "abc123def456"})
    text = resp.get_data(as_text=True)
    assert "abc123def456" in text and "KeyError" not in text and "internal" not in text
    assert text.startswith("Etwas ist schiefgelaufen")  # German, as asked
    assert "abc123def456" in caplog.text and "KeyError" in caplog.text


def test_input_errors_are_said_as_they_are():
    with flask.Flask(__name__).test_request_context("/?lang=de"):
        message = user_message(FrontlineError("from: expected an ISO date", param="from"))
    assert "from: expected an ISO date" in message
