"""File sources: the local disk and a snapshot fetched from a host."""

import pytest

from conformance.sources import LocalFileSource, Location, SnapshotFileSource


def test_snapshot_read_and_missing():
    source = SnapshotFileSource({"/etc/httpd/conf/httpd.conf": "Listen 80\n"})

    assert source.read("/etc/httpd/conf/../conf/httpd.conf") == "Listen 80\n"
    with pytest.raises(FileNotFoundError):
        source.read("/etc/httpd/conf.d/ssl.conf")


def test_snapshot_glob_matches_like_a_shell():
    source = SnapshotFileSource(
        {
            "/etc/httpd/conf.d/b.conf": "",
            "/etc/httpd/conf.d/a.conf": "",
            "/etc/httpd/conf.d/.hidden.conf": "",
            "/etc/httpd/conf.d/sub/c.conf": "",
        }
    )

    assert source.glob("/etc/httpd/conf.d/*.conf") == [
        "/etc/httpd/conf.d/a.conf",
        "/etc/httpd/conf.d/b.conf",
    ]
    assert source.glob("/etc/httpd/conf.d/.*") == ["/etc/httpd/conf.d/.hidden.conf"]
    assert source.glob("/etc/httpd/*/sub") == ["/etc/httpd/conf.d/sub"]


def test_snapshot_directories_are_implied():
    source = SnapshotFileSource({"/etc/httpd/conf.d/a.conf": ""})

    assert source.is_dir("/etc/httpd")
    assert source.is_dir("/etc/httpd/conf.d/")
    assert not source.is_dir("/etc/httpd/conf.d/a.conf")


def test_local_source_matches_snapshot(tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "b.conf").write_text("b")
    (tmp_path / "conf.d" / "a.conf").write_text("a")
    local = LocalFileSource()
    snapshot = SnapshotFileSource(
        {str(tmp_path / "conf.d" / name): name[0] for name in ("a.conf", "b.conf")}
    )
    pattern = str(tmp_path / "conf.d" / "*.conf")

    assert local.glob(pattern) == snapshot.glob(pattern)
    assert local.read(str(tmp_path / "conf.d" / "a.conf")) == "a"
    assert local.is_dir(str(tmp_path / "conf.d"))


def test_location_text():
    assert str(Location("/etc/conf.d/celery", 3)) == "/etc/conf.d/celery:3"
    assert str(Location("/etc/conf.d/celery", None)) == "/etc/conf.d/celery"
