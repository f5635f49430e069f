"""Schema fuzzing: schemathesis reads a real `newsbrief serve`'s /openapi.json and sends what it
generates from it to every operation; no answer may be a 5xx. (make test-web)"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import _free_port
from test_serve import create_token, serving

pytestmark = pytest.mark.web


@dataclass
class Served:
    base: str
    auth: dict


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    port = _free_port()
    auth = create_token(data_dir)
    with serving(data_dir, port, {"NEWSBRIEF_API__RATE_PER_MINUTE": "1000000"}):
        yield Served(f"http://127.0.0.1:{port}", auth)


def test_no_operation_answers_5xx(served):
    """Every operation of the schema, 40 generated cases each, with the token and without."""
    api = schemathesis.openapi.from_url(served.base + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        fuzz(operation, served)


def fuzz(operation, served: Served) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def no_5xx(case):
        for headers in (served.auth, {}):  # with the token, and without (401 is the answer then)
            response = case.call(base_url=served.base, headers=headers)
            assert response.status_code < 500, (operation.label, response.status_code, response.text[:300])

    no_5xx()
