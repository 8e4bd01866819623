"""`manage.py bench`'s report: issue 10's workbench and calendar rows of every role with their
verdict against 300 ms, and the statistics ratio with its net of the request's fixed cost."""

from __future__ import annotations

import io

from cadres.management.commands.bench import Command


def _result(rows=(), roles=()):
    return {
        "organizations": 1,
        "cadres": 2,
        "rows": list(rows),
        "roles": list(roles),
        "sweep": [],
        "typical": {},
    }


def _report(results, scales) -> str:
    cmd = Command(stdout=io.StringIO())
    cmd._print_report(results, scales)
    return cmd.stdout.getvalue()


def test_roles_are_judged_against_300_ms_at_the_small_scale():
    roles = [
        {"name": "workbench", "user": "zuzhibu", "status": 200, "ms": 120.0, "queries": 60, "bytes": 40_000},
        {"name": "calendar", "user": "ganbuke", "status": 200, "ms": 420.0, "queries": 24, "bytes": 18_000},
    ]
    out = _report({"1": _result(roles=roles), "8": _result(roles=roles)}, ["1", "8"])
    lines = [ln for ln in out.splitlines() if ln.strip().startswith("[")]
    small = [ln for ln in lines if ln.strip().startswith("[   1]")]
    assert any("workbench" in ln and "zuzhibu" in ln and ln.endswith("PASS") for ln in small)
    assert any("calendar" in ln and "ganbuke" in ln and ln.endswith("FAIL") for ln in small)
    large = [ln for ln in lines if ln.strip().startswith("[   8]")]
    assert large and not any(ln.endswith(("PASS", "FAIL")) for ln in large)  # shown, not judged
    assert out.rstrip().endswith("1 FAIL")


def test_stats_ratio_and_its_net():
    rows = [
        {
            "name": "api: cadres-api:api-root",
            "user": "tongji",
            "kind": "api",
            "status": 200,
            "ms": 20.0,
            "queries": 3,
        },
        {
            "name": "stats: cadres-api:stats-cadres",
            "user": "tongji",
            "kind": "stats",
            "status": 200,
            "ms": 80.0,
            "floor_ms": 50.0,
            "queries": 8,
        },
    ]
    out = _report({"here": _result(rows=rows)}, ["here"])
    line = next(ln for ln in out.splitlines() if "stats-cadres" in ln and "=" in ln)
    assert "80.0 /   50.0 =  1.60" in line and "net  1.20" in line and line.endswith("FAIL")
    rows[1].update(ms=30.0, refresh_ms=95.5)
    out = _report({"here": _result(rows=rows)}, ["here"])
    line = next(ln for ln in out.splitlines() if "stats-cadres" in ln and "=" in ln)
    assert (
        "30.0 /   50.0 =  0.60" in line and "refresh (nothing kept) 95.5 ms" in line and line.endswith("PASS")
    )


def test_a_floor_computing_other_numbers_fails_loudly():
    rows = [
        {
            "name": "stats: rotations-api:stats",
            "user": "tongji",
            "kind": "stats",
            "status": 200,
            "ms": 80.0,
            "floor_ms": 70.0,
            "floor_equal": False,
            "floor_diff": '{"due": {"floor": 3, "endpoint": 4}}',
            "queries": 8,
        },
    ]
    out = _report({"here": _result(rows=rows)}, ["here"])
    line = next(ln for ln in out.splitlines() if "rotations-api:stats" in ln and ln.strip().startswith("["))
    assert "FLOOR ≠ ENDPOINT" in line and '"endpoint": 4' in line and line.endswith("FAIL")
    assert "1.14" not in line  # no ratio for a floor of other work


def test_a_page_answering_a_server_error_fails_the_page_bar():
    rows = [
        {
            "name": "detail: cadres:cadre_detail",
            "user": "zuzhibu",
            "kind": "detail",
            "status": 500,
            "ms": 40.0,
            "queries": 9,
        },
        {
            "name": "page: cadres:cadre_list",
            "user": "zuzhibu",
            "kind": "page",
            "status": 200,
            "ms": 90.0,
            "queries": 10,
        },
        {
            "name": "page: admin_roles",
            "user": "zuzhibu",
            "kind": "page",
            "status": 403,
            "ms": 5.0,
            "queries": 3,
        },
    ]
    out = _report({"here": _result(rows=rows)}, ["here"])
    section = out.split("5. pages")[1].split("5b.")[0]
    assert any(
        "cadre_detail" in ln and "status 500" in ln and ln.endswith("FAIL") for ln in section.splitlines()
    )
    assert any("cadre_list" in ln and ln.endswith("PASS") for ln in section.splitlines())
    assert "admin_roles" not in section  # a refusal is expected for a user without the role


def test_each_scale_is_written_as_soon_as_it_is_measured(tmp_path, monkeypatch):
    """A run cut short (here: the second scale fails) keeps the first scale's figures on disk."""
    import json

    import pytest

    out = tmp_path / "bench.json"
    calls = []

    def measure(self, scale, repeat):
        calls.append(scale)
        if scale == "2":
            raise KeyboardInterrupt
        return _result()

    monkeypatch.setattr(Command, "_measure_scale", measure)
    cmd = Command(stdout=io.StringIO())
    with pytest.raises(KeyboardInterrupt):
        cmd.handle(repeat=1, quick=False, scales="1,2", here=False, json="", output=str(out))
    saved = json.loads(out.read_text())
    assert calls == ["1", "2"] and saved["measured"] == ["1"] and saved["results"]["1"]["cadres"] == 2


def test_whole_scope_exports_are_shown_apart_and_not_judged():
    def row(ms, size):
        return {
            "name": "export: integrity_analysis_docx",
            "user": "zuzhibu",
            "kind": "export",
            "status": 200,
            "ms": ms,
            "queries": 40,
            "bytes": size,
        }

    out = _report({"1": _result(rows=[row(100.0, 2048)]), "8": _result(rows=[row(900.0, 16384)])}, ["1", "8"])
    part = out.split("1b. whole-scope exports")[1].split("\n2. ")[0]
    (line,) = [ln for ln in part.splitlines() if "integrity_analysis_docx" in ln]
    assert "9.00" in line and "2 KB" in line and "16 KB" in line
    assert not line.endswith(("PASS", "FAIL"))
    section1 = out.split("1b.")[0]
    assert "integrity_analysis_docx" not in section1
    assert out.rstrip().endswith("0 FAIL")


def test_the_two_whole_scope_files_are_export_targets():
    from cadres.benchkit.targets import discover

    kinds = {t.url_name: t.kind for t in discover()}
    assert kinds["integrity_analysis_docx"] == kinds["cadres:cadre_import_export"] == "export"
    assert kinds["cadres:cadre_list"] == "page"
