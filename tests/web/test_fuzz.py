"""Property-based fuzz of the API from its OpenAPI description: no input makes a server error.

Each operation's cases come from schemathesis's Hypothesis strategy (its pytest
plugin does not load under pytest 9 yet).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from .conftest import Served

# Posts start ingest jobs (cleaning, story assignment, a brief each): a few are enough.
EXAMPLES = {"GET": 15, "POST": 5}


@pytest.fixture(scope="module")
def api_schema(served: Served) -> schemathesis.BaseSchema:
    # Over HTTP to the live server: its requests name 127.0.0.1, a host the server answers to
    # (an in-process ASGI client names "testserver", which the Host allow-list refuses).
    return schemathesis.openapi.from_url(f"{served.url}/openapi.json")


def operations(api: schemathesis.BaseSchema, method: str) -> list[schemathesis.APIOperation]:
    found = [result.ok() for result in api.include(method=method).get_all_operations()]
    assert found, f"no {method} operation in the OpenAPI description"
    return found


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_input_makes_a_server_error(api_schema: schemathesis.BaseSchema, method: str) -> None:
    for operation in operations(api_schema, method):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES[method], deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        fuzz()
