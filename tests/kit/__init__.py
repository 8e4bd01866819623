"""The resource-table test kit: every page and endpoint declared once, checked the same way.

- `resources.PageResource` / `resources.ApiResource`: one row per URL name.
- `checks`: the checks run for a row (anonymous, in scope, out of scope, refused write with
  nothing saved, accepted write with a history row, query ceiling).
- `world.world_fixture(...)`: a module-scoped world built from the existing app fixtures.
- Each app declares its rows in `tests/<app>/test_resource_grid.py`;
  `tests/kit/test_completeness.py` fails when a URL pattern is in no table.
"""
