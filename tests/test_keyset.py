"""Keyset paging of the HTML lists: which orderings qualify, the WHERE of "after", the cursor, and
the pager of a real list walked by its own links."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from cadre_supervision import keyset
from cadre_supervision.keyset import Key
from cadres.models import Appointment, Cadre, Organization
from tests.conftest import login
from tests.factories import AppointmentFactory, CadreFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda: Cadre.objects.all(), [Key("organization__path"), Key("name"), Key("pk")]),
        (lambda: Cadre.objects.order_by("-birth_date"), [Key("birth_date", True), Key("pk")]),
        (lambda: Cadre.objects.order_by("name", "-id"), [Key("name"), Key("pk", True)]),
        (lambda: Cadre.objects.order_by("name", "name", "pk"), [Key("name"), Key("pk")]),
        (lambda: Cadre.objects.order_by("pk", "name"), [Key("pk")]),
        (lambda: Cadre.objects.order_by("organization_id"), [Key("organization_id"), Key("pk")]),
        (lambda: Cadre.objects.order_by(), [Key("pk")]),
        (lambda: Cadre.objects.annotate(n=F("name")).order_by("-n"), [Key("n", True), Key("pk")]),
        # OFFSET paging kept for what is not a plain column:
        (lambda: Cadre.objects.order_by("?"), None),
        (lambda: Cadre.objects.order_by(Lower("name")), None),
        (lambda: Cadre.objects.order_by("organization"), None),  # the organization's own ordering
        (lambda: Organization.objects.order_by("cadres__name"), None),  # through a to-many relation
        (lambda: Cadre.objects.order_by("name__lower"), None),
        (lambda: Organization.objects.annotate(n=Count("cadres")).order_by("n"), None),
    ],
)
def test_which_orderings_page_by_keys(build, expected):
    assert keyset.keys_for(build()) == expected


@pytest.mark.parametrize(
    "values",
    [
        ["某市/甲镇", "张伟", 17],
        [None, True, 0],
        [dt.date(2020, 2, 29), dt.datetime(2026, 12, 2, 8, 30, tzinfo=dt.UTC), Decimal("3.50")],
        ["'; DROP TABLE x; --", "a\u0000b", -1],
    ],
)
def test_cursor_round_trip(values):
    keys = [Key("a"), Key("b", True), Key("pk")]
    token = keyset.encode(keys=keys, values=values, number=7)
    assert keyset.decode(token, keys=keys) == (values, 7)


def _token(keys, values, number, *, cut=False):
    return lambda: (
        keyset.encode(keys=keys, values=values, number=number)[: -3 if cut else None] + ("xyz" if cut else "")
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: "",
        lambda: "garbage",
        _token([Key("a"), Key("pk")], [1, 2], 2, cut=True),  # tampered
        _token([Key("b"), Key("pk")], [1, 2], 2),  # made under another sort
        _token([Key("a"), Key("pk")], [1, 2], 0),  # no page 0
    ],
    ids=["empty", "garbage", "tampered", "another-sort", "page-0"],
)
def test_cursor_refused(make):
    with pytest.raises(keyset.InvalidCursor):
        keyset.decode(make(), keys=[Key("a"), Key("pk")])


def test_after_needs_one_value_per_key():
    with pytest.raises(keyset.InvalidCursor):
        keyset.after([Key("a"), Key("pk")], [1])


@pytest.mark.parametrize(
    "ordering",
    [
        ("end_date", "pk"),
        ("-end_date", "pk"),
        ("-end_date", "-pk"),
        ("cadre__name", "-start_date", "pk"),
        ("is_secondment", "-end_date", "-pk"),
    ],
)
def test_after_matches_postgresql_order_with_nulls(city, ordering):
    """From every row, "after" its keys gives exactly the rows PostgreSQL sorts after it: NULL
    end dates (current tenures) are last ascending and first descending."""
    for i, day in enumerate([dt.date(2022, 1, 1), None, dt.date(2022, 1, 1), None, dt.date(2023, 6, 1)]):
        AppointmentFactory(
            cadre=city.cadre_a2 if i % 2 else city.cadre_b,
            post=PostFactory(organization=city.town_b),
            start_date=dt.date(2015 + i, 1, 1),
            end_date=day,
            is_secondment=i == 3,
        )
    qs = Appointment.objects.order_by(*ordering)
    keys = keyset.keys_for(qs)
    assert keys is not None
    paths = [k.path for k in keys]
    rows = list(qs.values_list(*paths))
    assert len(rows) == 8
    ids = [r[-1] for r in rows] if paths[-1] == "pk" else None
    for i, row in enumerate(rows):
        rest = qs.filter(keyset.after(keys, list(row))).values_list("pk", flat=True)
        assert list(rest) == ids[i + 1 :], (ordering, i)
        back = keyset.reversed_keys(keys)
        before = qs.filter(keyset.after(back, list(row))).order_by(*keyset.order_by(back))
        assert list(before.values_list("pk", flat=True)) == ids[:i][::-1], (ordering, i)


# --- the pager of a real list ------------------------------------------------------------------


@pytest.fixture
def many(city):
    """23 more cadres in 甲镇, some sharing a name (ties broken by pk)."""
    for i in range(23):
        CadreFactory(
            name=f"干部{i % 7:02d}", organization=city.town_a, birth_date=dt.date(1970 + i % 5, 1, 1)
        )
    return city


@pytest.fixture
def small_pages(monkeypatch):
    from cadres.views import CadreListView

    monkeypatch.setattr(CadreListView, "paginate_by", 5)


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-cadre-id="(\d+)"', html)]


def _link(html: str, label: str) -> str | None:
    m = re.search(r'<a href="([^"]*)"(?: rel="\w+")?>' + label + "</a>", html)
    return unescape(m.group(1)) if m else None


@pytest.mark.parametrize("sort", ["", "name", "-name", "age", "-age", "organization"])
def test_walking_next_and_previous_links_gives_every_row_once_in_order(client, many, small_pages, sort):
    login(client, many.staff_all)
    base = f"/cadres/?sort={sort}" if sort else "/cadres/"
    everything = []
    for n in range(1, 7):  # the same list by page number (OFFSET)
        r = client.get(base + f"{'&' if '?' in base else '?'}page={n}")
        assert r.status_code == 200 and f"第 {n} / 6 页" in r.content.decode()
        everything.extend(_ids(r.content.decode()))
    assert len(everything) == 26 and len(set(everything)) == 26

    walked, pages = [], []
    r = client.get(base)
    while True:
        html = r.content.decode()
        walked.extend(_ids(html))
        pages.append(html)
        nxt = _link(html, "下一页")
        if nxt is None:
            break
        assert "after=" in nxt
        r = client.get("/cadres/" + nxt)
        assert r.status_code == 200
    assert walked == everything
    assert "第 6 / 6 页" in pages[-1]

    back = []
    html = pages[-1]
    back.extend(reversed(_ids(html)))
    while (prev := _link(html, "上一页")) is not None:
        html = client.get("/cadres/" + prev).content.decode()
        back.extend(reversed(_ids(html)))
    assert back == everything[::-1]

    last = client.get("/cadres/" + _link(pages[0], "末页")).content.decode()
    assert _ids(last) == everything[25:] and "第 6 / 6 页" in last


def test_filters_and_sort_stay_on_the_cursor_links(client, many, small_pages):
    login(client, many.staff_all)
    html = client.get(f"/cadres/?organization={many.town_a.pk}&sort=-age").content.decode()
    nxt = _link(html, "下一页")
    assert f"organization={many.town_a.pk}" in nxt and "sort=-age" in nxt
    page2 = client.get("/cadres/" + nxt).content.decode()
    assert "第 2 / 5 页" in page2
    assert set(_ids(page2)) <= set(
        Cadre.objects.filter(organization=many.town_a).values_list("pk", flat=True)
    )


def test_a_bad_cursor_is_refused_with_a_message_and_the_first_page(client, many, small_pages):
    login(client, many.staff_all)
    first = _ids(client.get("/cadres/").content.decode())
    r = client.get("/cadres/?after=not-a-cursor")
    assert r.status_code == 200
    html = r.content.decode()
    assert keyset.INVALID in html and _ids(html) == first
    # A cursor made under another sort is not applied to this one.
    nxt = _link(client.get("/cadres/?sort=name").content.decode(), "下一页")
    token = re.search(r"after=([^&]+)", nxt).group(1)
    html = client.get(f"/cadres/?sort=-age&after={token}").content.decode()
    assert keyset.INVALID in html


def test_a_cursor_reads_only_rows_in_scope(client, many, small_pages):
    """A cursor is a position, not a grant: a narrow user walking from a whole-city user's cursor
    sees only their own unit's cadres."""
    login(client, many.staff_all)
    nxt = _link(client.get("/cadres/").content.decode(), "下一页")
    login(client, many.staff_a)
    html = client.get("/cadres/" + nxt).content.decode()
    allowed = set(Cadre.objects.filter(organization=many.town_a).values_list("pk", flat=True))
    assert _ids(html) and set(_ids(html)) <= allowed


def test_a_page_by_cursor_costs_the_queries_of_the_same_page_by_number(client, many, small_pages):
    """The cursor adds no query (its keys come back with the page's rows) and reads no OFFSET."""
    login(client, many.staff_all)
    html = client.get("/cadres/").content.decode()
    for n in (5, 6):  # warm the per-user and per-process caches these pages read
        client.get(f"/cadres/?page={n}")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/cadres/" + url).content.decode()
        return ctx, body

    by_number_6, html_6 = count("?page=6")
    last, last_html = count(_link(html, "末页"))
    by_number_5, html_5 = count("?page=5")
    prev, prev_html = count(_link(last_html, "上一页"))
    assert _ids(last_html) == _ids(html_6) and _ids(prev_html) == _ids(html_5)
    assert len(last) == len(by_number_6) and len(prev) == len(by_number_5)
    assert any("OFFSET" in q["sql"] for q in by_number_5.captured_queries)
    assert not any("OFFSET" in q["sql"] for q in prev.captured_queries + last.captured_queries)


def test_the_bench_times_the_last_page_of_every_scoped_list():
    from cadres.benchkit.targets import discover

    targets = discover()
    lists = {t.url_name for t in targets if t.kind == "page" and t.name.startswith("page: ") and t.sizeable}
    deep = {t.url_name: t.url for t in targets if t.name.startswith("page (末页): ")}
    assert "cadres:cadre_list" in deep and deep["cadres:cadre_list"].endswith("?page=last")
    assert set(deep) <= lists
