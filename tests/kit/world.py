"""A module-scoped world built once from the existing (function-scoped) app fixtures.

The world lives in an outer transaction opened for the module; every test still takes the
`db` fixture, whose transaction is a savepoint inside it, so a test's writes are rolled back
and the next test sees the world unchanged. The outer transaction is rolled back at the end.
"""

from __future__ import annotations

import inspect
import random

import pytest
from django.db import transaction
from django.test.utils import override_settings

from cadre_supervision.permissions import clear_cache


def _call(fixture_def, ns, media):
    fn = fixture_def._get_wrapped_function() if hasattr(fixture_def, "_get_wrapped_function") else fixture_def
    kwargs = {}
    for name in inspect.signature(fn).parameters:
        if name == "db":
            kwargs[name] = None
        elif name in ("private_media",):
            kwargs[name] = media
        else:  # the namespace built so far (city, talks, rot, ac, rc, ...)
            kwargs[name] = ns
    result = fn(**kwargs)
    return ns if result is None else result


# The recipe of each module's world (module name -> (chain, extra)): the browser tests build
# the same worlds outside a transaction (see build_world).
RECIPES: dict[str, tuple[tuple, object]] = {}


def build_world(module: str, media):
    """The world of a grid module, built in the current (committed) database state, e.g. for a
    live server; the caller's transactional_db flushes it afterwards."""
    import importlib

    importlib.import_module(module)  # registers its recipe
    chain, extra = RECIPES[module]
    random.seed(20240131)
    ns = None
    for fixture_def in chain:
        ns = _call(fixture_def, ns, media)
    if extra is not None:
        ns = extra(ns) or ns
    ns.media = media
    return ns


def world_fixture(*chain, extra=None):
    """A module-scoped fixture `world` = chain[-1](...(chain[0]())), then `extra(ns)`.

    `chain` holds existing fixtures (e.g. `city, rot, secondline`), called in order with the
    namespace built so far; `extra` adds what the module's rows need on top.
    """
    RECIPES[inspect.stack()[1].frame.f_globals["__name__"]] = (chain, extra)

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("media")
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), transaction.atomic():
            random.seed(20240131)  # CadreFactory draws birth dates: keep them fixed
            ns = None
            for fixture_def in chain:
                ns = _call(fixture_def, ns, media)
            if extra is not None:
                ns = extra(ns) or ns
            ns.media = media
            yield ns
            transaction.set_rollback(True)
        for value in vars(ns).values():
            if hasattr(value, "_state") and type(value).__name__ == "User":
                clear_cache(value)

    return world


def grown_fixture(grow, sizes=(10, 100)):
    """A module-scoped fixture parametrised over `sizes`: the world plus `grow(world, n)` rows,
    in a savepoint rolled back after the size's tests ran."""

    @pytest.fixture(scope="module", params=sizes, ids=lambda n: f"{n}rows")
    def grown(request, world, django_db_blocker):
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=str(world.media)),
            transaction.atomic(),
        ):
            random.seed(request.param)
            grow(world, request.param)
            yield request.param
            transaction.set_rollback(True)

    return grown
