"""A store outage is HTTP 503 in the API's one error shape, never a 500."""

import json

import flask
import pytest

from dashboard.api import create_api
from dashboard.unavailable import install_unavailable_handlers
from geo.errors import StoreUnavailable


class DownStore:
    """A store whose database has gone away."""

    def __init__(self, data_dir):
        self.data_dir = data_dir

    def dataset_names(self):
        raise StoreUnavailable("store: the database is unavailable; try again in a few seconds")

    events = dataset_names


@pytest.fixture
def client(store):
    server = flask.Flask(__name__)
    api = create_api(DownStore(store.data_dir))
    install_unavailable_handlers(server, api)
    server.register_blueprint(api)

    @server.get("/page")
    def page():
        raise StoreUnavailable("store: the database is unavailable")

    return server.test_client()


def test_api_answers_503_json(client):
    resp = client.get("/api/v1/events.csv?from=2024-10-01&to=2024-11-01")
    assert resp.status_code == 503
    assert json.loads(resp.data) == {
        "ok": False,
        "error": "store: the database is unavailable; try again in a few seconds",
        "status": 503,
    }
    assert resp.headers["Retry-After"] == "5"
    assert resp.headers["Cache-Control"] == "no-store"


def test_other_routes_answer_503(client):
    resp = client.get("/page")
    assert resp.status_code == 503
    assert json.loads(resp.data)["status"] == 503


def test_bad_parameters_are_still_400(client):
    assert client.get("/api/v1/events.csv?from=nope").status_code == 400
