"""`frontline serve` as `make run` starts it."""

import urllib.request


def test_healthz(server):
    with urllib.request.urlopen(server + "/healthz") as resp:
        assert resp.status == 200
        assert b'"ok"' in resp.read()


def test_root_serves_the_app(server):
    with urllib.request.urlopen(server + "/") as resp:
        body = resp.read().decode()
    assert resp.status == 200
    assert "<title>Frontline – map of the war in Ukraine</title>" in body
