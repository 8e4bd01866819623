"""The parametrised tests of a grid module, generated from its tables:

from tests.kit.grid import grid_tests
world = world_fixture(city, rot)            # module-scoped data
grown = grown_fixture(grow)                 # + 10 / + 100 rows for the ceilings
(test_anonymous, test_in_scope, test_out_of_scope, test_refused, test_accepted,
 test_ceiling, test_malformed_id) = grid_tests(PAGES + APIS)
"""

from __future__ import annotations

import pytest

from . import checks
from .resources import ApiResource, params


def _client(row, client, api):
    return api if isinstance(row, ApiResource) else client


def grid_tests(rows):
    rows = list(rows)

    @pytest.mark.parametrize("row", params(rows, "anonymous"))
    def test_anonymous(world, db, client, api, row):
        checks.check_anonymous(_client(row, client, api), world, row)

    @pytest.mark.parametrize("row", params(rows, "in_scope", where=lambda r: r.method == "get"))
    def test_in_scope(world, db, client, api, row):
        checks.check_in_scope(_client(row, client, api), world, row)

    @pytest.mark.parametrize("row", params(rows, "out_of_scope", where=lambda r: r.outside is not None))
    def test_out_of_scope(world, db, client, api, row):
        checks.check_out_of_scope(_client(row, client, api), world, row)

    @pytest.mark.parametrize("row", params(rows, "refused", where=lambda r: r.refuse is not None))
    def test_refused(world, db, client, api, row):
        checks.check_refused(_client(row, client, api), world, row)

    @pytest.mark.parametrize("row", params(rows, "accepted", where=lambda r: r.accept is not None))
    def test_accepted(world, db, client, api, row):
        checks.check_accepted(_client(row, client, api), world, row)

    @pytest.mark.parametrize("row", params(rows, "ceiling", where=lambda r: r.ceiling is not None))
    def test_ceiling(world, grown, db, client, api, django_assert_max_num_queries, row):
        checks.check_ceiling(_client(row, client, api), world, row, django_assert_max_num_queries)

    @pytest.mark.parametrize(
        "row",
        params(rows, "malformed_id", where=lambda r: isinstance(r, ApiResource) and r.inside is not None),
    )
    def test_malformed_id(world, db, client, api, row):
        checks.check_malformed_id(api, world, row)

    return (
        test_anonymous,
        test_in_scope,
        test_out_of_scope,
        test_refused,
        test_accepted,
        test_ceiling,
        test_malformed_id,
    )
