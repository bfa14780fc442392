"""Structured logs: one JSON object a line, each with the request id (answered in X-Request-ID)
and the user; one line per request."""

import io
import json
import logging

import pytest
from django.contrib.auth import get_user_model

from config.logging import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_logs_a_json_line_with_its_id_and_user(client, demo, json_log):
    client.force_login(get_user_model().objects.get(username="baoan_preparer"))
    response = client.get("/budgets/2020/baoan/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [line for line in json_log() if line["logger"] == "budget.request"]
    assert lines, "no request line"
    line = lines[-1]
    assert line["request_id"] == request_id
    assert line["user"] == "baoan_preparer"
    assert line["method"] == "GET" and line["path"] == "/budgets/2020/baoan/"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)


def test_records_written_while_serving_carry_the_request_id(client, demo, json_log, monkeypatch):
    # A 404 logs a warning from Django's own request logger, inside the request.
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="nginx-req-0123456789")
    assert response["X-Request-ID"] == "nginx-req-0123456789"  # nginx's id is kept
    lines = json_log()
    assert {line["request_id"] for line in lines} == {"nginx-req-0123456789"}
    assert all(line["user"] == "" for line in lines)  # anonymous


def test_a_bad_incoming_request_id_is_replaced(client, demo):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_an_api_token_user_is_logged(client, demo, json_log):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=get_user_model().objects.get(username="hq_reviewer"))
    response = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    line = [line for line in json_log() if line["logger"] == "budget.request"][-1]
    assert line["user"] == "hq_reviewer"


def test_an_exception_is_one_json_line_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed here"
    assert "ValueError: boom" in entry["exception"]
