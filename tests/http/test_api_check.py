"""``POST /api/v1/check`` against a real server: the seed sentence, every refusal as the
API's JSON error naming the field, the size and rate limits, and text that is never markup."""

import json
import urllib.error
import urllib.request

import pytest

SEED = (
    "Laut einer AFP-Analyse, die auf Daten des Institute for the Study of War (ISW) basiert, "
    "haben russische Truppen in der Region Donezk schnell Territorium gewonnen und sind allein "
    "im Oktober um 610 Quadratkilometer vorgerückt."
)


def post(server, body, headers=None, method="POST"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        server + "/api/v1/check", data=data, method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_seed_sentence(server):
    status, headers, body = post(server, {"text": SEED, "date": "2024-11-04"})
    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    answer = json.loads(body)
    assert answer["ok"] is True and answer["checked"] is True and answer["lang"] == "de"
    parsed = answer["parsed"]
    assert (parsed["measure"], parsed["value"], parsed["side"], parsed["region"]) == (
        "area_gained", 610.0, "russia", "UA-14")  # fmt: skip
    assert (parsed["period_start"], parsed["period_end"]) == ("2024-10-01", "2024-11-01")
    deepstate = answer["check"]["areas"][0]
    assert deepstate["region"]["net_km2"] == pytest.approx(398.6, abs=0.1)
    assert deepstate["all"]["net_km2"] == pytest.approx(502.8, abs=0.1)
    assert answer["check"]["verdict"]["reasons"][:2] == ["region_vs_country", "source"]
    assert "398,6 km²" in answer["verdict"] and "ISW" in answer["verdict"]  # German, as asked
    prov = answer["provenance"]
    assert prov["data_version"] == headers["X-Data-Version"] and "DeepState" in prov["attribution"]
    assert headers["Cache-Control"] == "no-store"


def test_answer_in_english_on_request(server):
    status, _, body = post(server, {"text": SEED, "date": "2024-11-04", "lang": "en"})
    answer = json.loads(body)
    assert status == 200 and answer["lang"] == "en" and "398.6 km²" in answer["verdict"]
    assert dict(answer["fields"])["Region"] == "Donetsk Oblast (UA-14)"


def test_unreadable_sentence_is_answered_not_refused(server):
    status, _, body = post(server, {"text": "Russia gained 600 km2 in Donetsk.", "lang": "de"})
    answer = json.loads(body)
    assert status == 200 and answer["checked"] is False
    assert answer["check"]["status"] == "unreadable"
    assert {"part": "period", "code": "missing"} in answer["check"]["problems"]
    assert "kein Zeitraum gefunden" in answer["verdict"]


@pytest.mark.parametrize(
    "body, param, needle",
    [
        ({"text": "x" * 1001}, "text", "1,001 characters"),
        ({"text": "Les troupes russes ont conquis 610 kilomètres carrés en octobre dans la "
                  "région de Donetsk."}, "text", "French"),
        (b'{"text": "Russian forces took', "body", "JSON"),
        (b"\xff\xfe", "body", "UTF-8"),
        ({"text": SEED, "date": "04.11.2024"}, "date", "YYYY-MM-DD"),
        ({"text": SEED, "date": 20241104}, "date", "YYYY-MM-DD"),
        (["text", SEED], "body", "object"),
        ({"date": "2024-11-04"}, "text", "got nothing"),
        ({"text": 610}, "text", "got int"),
        ({"text": "   "}, "text", "empty"),
        ({"text": SEED, "lang": "fr"}, "lang", "'fr'"),
        ({"text": SEED, "when": "today"}, "when", "unknown field"),
        ({"text": SEED, "<b>x</b>": 1}, "body", "unknown field"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(server, body, param, needle):
    status, headers, raw = post(server, body)
    assert status == 400 and headers["Content-Type"] == "application/json"
    answer = json.loads(raw)
    assert answer["ok"] is False and answer["status"] == 400 and answer["param"] == param
    assert needle in answer["error"]


def test_a_large_body_is_413(server):
    status, _, raw = post(server, {"text": SEED, "padding": "x" * 17_000})
    answer = json.loads(raw)
    assert status == 413 and answer["param"] == "body" and "16,384" in answer["error"]


def test_get_says_to_post(server):
    req = urllib.request.Request(server + "/api/v1/check")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 405 and err.value.headers["Allow"] == "POST"
    assert json.loads(err.value.read())["status"] == 405


def test_markup_comes_back_only_inside_json_strings(server):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> ' + SEED
    status, headers, raw = post(server, {"text": evil, "date": "2024-11-04"})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert b"<" not in raw and b">" not in raw  # escaped as \u003c, \u003e
    answer = json.loads(raw)
    assert answer["parsed"]["text"] == evil and answer["checked"] is True


def test_too_many_checks_are_429(start_server, tmp_path_factory):
    # A server of its own: the limit is per client address, and the tests share one.
    base = start_server({"FRONTLINE_DATA_DIR": str(tmp_path_factory.mktemp("rate"))})
    statuses = []
    for _ in range(40):  # cheap requests: a body that is no JSON is refused at once
        status, headers, raw = post(base, b"{")
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {400} and len(statuses) >= 31
    answer = json.loads(raw)
    assert answer["status"] == 429 and "30 a minute" in answer["error"]
    assert int(headers["Retry-After"]) >= 1
