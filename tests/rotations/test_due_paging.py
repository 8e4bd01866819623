"""The rotation due list is computed in Python from many rows: it runs once per request (page
and export alike) and only the requested page is rendered."""

from __future__ import annotations

import re

from django.urls import reverse

from rotations import selectors, views


def test_due_list_computed_once_and_one_page_rendered(client, rot, monkeypatch):
    calls = []
    real = selectors.due_items

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "due_items", counted)
    client.force_login(rot.staff_all)
    everything = client.get(reverse("rotations:due_list")).content.decode()
    assert len(calls) == 1
    total = len(re.findall(r'<tr data-cadre="\d+"', everything))
    assert total >= 2
    monkeypatch.setattr(views.DueListView, "paginate_by", 1)
    calls.clear()
    page2 = client.get(reverse("rotations:due_list"), {"page": 2, "sort": "mandatory_date"}).content.decode()
    assert len(calls) == 1
    assert len(re.findall(r'<tr data-cadre="\d+"', page2)) == 1 and f"共 {total} 条" in page2
    calls.clear()
    client.get(reverse("rotations:due_list"), {"export": "xlsx"})
    assert len(calls) == 1
