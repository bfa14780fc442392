"""API conformance (issue #11 item 5): schemathesis generates requests from the OpenAPI schema
(drf-spectacular's, served at /api/schema/) and sends them through the WSGI application, as a
branch user and as HQ (token authentication); no answer may be a 5xx and every answer must match
the schema (status code, content type, body). Bounded: MAX_EXAMPLES examples per operation, in
one test transaction (what the generated writes change is rolled back)."""

import time

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

MAX_EXAMPLES = 10
# Not status_code_conformance: the schema documents the success answers only, and a 400, 403 or
# 404 to a generated request is right (every error has the one error body, budgets/api/errors.py).
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_connection():
    """The WSGI application closes the database connection at the end of each request, which on
    PostgreSQL ends the test's transaction; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _tokens():
    users = (
        get_user_model().objects.filter(username__in=["baoan_preparer", "hq_reviewer"]).order_by("username")
    )
    return {user.username: Token.objects.get_or_create(user=user)[0].key for user in users}


def _runner(operation, tokens, failures, counter):
    """One operation's bounded run; each failure recorded (the user, the operation, the check)."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for username, token in tokens.items():
            response = case.call(headers={"Authorization": f"Token {token}"})
            counter["requests"] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as error:
                failures.append(f"{username} {operation.label}: {' '.join(str(error).split())[:300]}")
                raise

    return run


def test_the_api_answers_as_its_schema_says(demo, keep_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    tokens = _tokens()
    assert len(tokens) == 2
    failures, counter, operations, started = [], {"requests": 0}, 0, time.monotonic()
    for result in schema.get_all_operations():
        operations += 1
        before = len(failures)
        try:
            _runner(result.ok(), tokens, failures, counter)()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            if len(failures) == before:
                raise  # not a failed check: a broken test
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {operations} operations, {counter['requests']} requests, {len(failures)} failures, {elapsed:.0f} s"
    )
    assert operations > 20 and counter["requests"] >= operations * 2
    assert not failures, "\n".join(failures)
