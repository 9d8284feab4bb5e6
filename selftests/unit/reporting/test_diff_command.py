"""`conformance diff`: text and HTML comparison of two results files."""

import json

from conformance.commands.diff import main
from conformance.secrets import register_secret

COOKIE = "c2Vzc2lvbi1kaWZmLWNvb2tpZS05OTE"


def write(path, observed, outcome, where="/etc/httpd/conf/httpd.conf:57"):
    path.write_text(
        json.dumps(
            {
                "run": {
                    "environment": "lab",
                    "ticket": "CHG-1234",
                    "phase": path.stem,
                    "started_at": "2026-03-22T10:15:00+00:00",
                },
                "checks": [
                    {
                        "id": "apache:event:MaxRequestWorkers",
                        "outcome": outcome,
                        "observed": observed,
                        "where": where,
                    }
                ],
            }
        )
    )
    return path


def test_diff_prints_broken_check(tmp_path, capsys):
    before = write(tmp_path / "pre.json", 150, "passed")
    after = write(tmp_path / "post.json", 120, "failed")

    status = main([str(before), str(after)])

    out = capsys.readouterr().out
    assert status == 0
    assert "before: environment lab, ticket CHG-1234, phase pre" in out
    assert "broke:\n  apache:event:MaxRequestWorkers: passed -> failed\n" in out
    assert "observed: 150 -> 120" in out


def test_diff_writes_html(tmp_path, capsys):
    before = write(tmp_path / "pre.json", 150, "passed")
    after = write(tmp_path / "post.json", 120, "failed")
    page = tmp_path / "out" / "diff.html"

    main([str(before), str(after), "--html", str(page)])

    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert '<tr class="cat-broke"><td>apache:event:MaxRequestWorkers</td>' in text
    assert f"wrote {page}" in capsys.readouterr().out


def test_diff_redacts_secrets(tmp_path, capsys):
    register_secret(COOKIE)
    before = write(tmp_path / "pre.json", 150, "passed")
    after = write(tmp_path / "post.json", f"session={COOKIE}", "failed")
    page = tmp_path / "diff.html"

    main([str(before), str(after), "--html", str(page)])

    assert COOKIE not in capsys.readouterr().out
    assert COOKIE not in page.read_text()


def test_diff_bad_file_exits_2(tmp_path, capsys):
    before = write(tmp_path / "pre.json", 150, "passed")
    missing = tmp_path / "post.json"

    status = main([str(before), str(missing)])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"conformance diff: {missing}: cannot read the results file")
    assert "Traceback" not in err
