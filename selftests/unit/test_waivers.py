"""Waivers files: validation with file:line messages, and expiry."""

import textwrap
from datetime import date

import pytest

from conformance.errors import ExpectationsError
from conformance.waivers import load_waivers, parse_waivers

VALID = textwrap.dedent(
    """\
    # Accepted deviations for the nightly run against dev.
    waivers:
      - check: apache:event:MaxRequestWorkers
        justification: Raised to 200 for the CHG-1234 load test, revert planned
        owner: ops-oncall@example.com
        expires: 2026-04-30
      - check: "health:/api/v1/health/celery"
        justification: >
          w2 is drained while RabbitMQ is migrated; one consumer is expected.
        owner: Dana Okafor
        expires: "2026-05-15"
    """
)


def parse_error(text: str) -> str:
    with pytest.raises(ExpectationsError) as caught:
        parse_waivers(textwrap.dedent(text), "waivers.yaml")
    return str(caught.value)


def test_valid_file_parsed():
    waivers = parse_waivers(VALID, "waivers.yaml")

    mpm = waivers["apache:event:MaxRequestWorkers"]
    celery = waivers["health:/api/v1/health/celery"]
    assert mpm.owner == "ops-oncall@example.com"
    assert mpm.expires == date(2026, 4, 30)
    assert mpm.where == "waivers.yaml:3"
    assert celery.expires == date(2026, 5, 15)
    assert celery.justification.startswith("w2 is drained")


def test_waiver_in_force_through_expiry_day():
    waiver = parse_waivers(VALID, "waivers.yaml")["apache:event:MaxRequestWorkers"]

    assert not waiver.is_expired(date(2026, 4, 30))
    assert waiver.is_expired(date(2026, 5, 1))


def test_empty_list_allowed():
    assert parse_waivers("waivers: []\n", "waivers.yaml") == {}


def test_empty_file_rejected():
    message = parse_error("# nothing yet\n")

    assert message.startswith("waivers.yaml:1: the waivers file is empty")
    assert "waivers: []" in message


def test_unknown_key_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: ops-oncall@example.com
            expires: 2026-04-30
            ticket: CHG-1234
        """
    )

    assert message.startswith("waivers.yaml:6: unknown waiver key 'ticket'")
    assert "use only the keys check, justification, owner, expires" in message


def test_missing_owner_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            expires: 2026-04-30
        """
    )

    assert message.startswith("waivers.yaml:2: waiver is missing the key 'owner'")
    assert "add `owner:`" in message


def test_duplicate_check_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: ops-oncall@example.com
            expires: 2026-04-30
          - check: apache:event:MaxRequestWorkers
            justification: second copy
            owner: someone else
            expires: 2026-06-30
        """
    )

    assert message.startswith(
        "waivers.yaml:6: second waiver for check 'apache:event:MaxRequestWorkers', "
        "first at waivers.yaml:2"
    )


def test_duplicate_key_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: ops-oncall@example.com
            owner: someone else
            expires: 2026-04-30
        """
    )

    assert message.startswith("waivers.yaml:5: duplicate key 'owner'")


@pytest.mark.parametrize(
    ("expires", "shown"),
    [
        pytest.param("30/04/2026", "'30/04/2026'", id="day-first"),
        pytest.param('"2026-04-31"', "'2026-04-31'", id="quoted-no-such-day"),
        pytest.param("2026-04-30 12:00:00", "datetime", id="datetime"),
        pytest.param("20260430", "20260430", id="number"),
    ],
)
def test_invalid_expiry_rejected(expires, shown):
    message = parse_error(
        f"""\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: ops-oncall@example.com
            expires: {expires}
        """
    )

    assert message.startswith(
        "waivers.yaml:5: `expires` must be a date written as YYYY-MM-DD"
    )
    assert shown in message


def test_unquoted_impossible_date_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: ops-oncall@example.com
            expires: 2026-04-31
        """
    )

    assert message.startswith("waivers.yaml:5: invalid timestamp value: day is out")


def test_numeric_owner_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: load test
            owner: 4711
            expires: 2026-04-30
        """
    )

    assert message.startswith("waivers.yaml:4: `owner` must be text (got 4711)")


def test_blank_justification_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
            justification: "  "
            owner: ops-oncall@example.com
            expires: 2026-04-30
        """
    )

    assert message.startswith("waivers.yaml:3: `justification` is empty")


def test_list_at_top_rejected():
    message = parse_error(
        """\
        - check: apache:event:MaxRequestWorkers
          justification: load test
          owner: ops-oncall@example.com
          expires: 2026-04-30
        """
    )

    assert message.startswith(
        "waivers.yaml:1: the waivers file must be a mapping with the key `waivers`"
    )


def test_invalid_yaml_rejected():
    message = parse_error(
        """\
        waivers:
          - check: apache:event:MaxRequestWorkers
           owner: [ops
        """
    )

    assert message.startswith("waivers.yaml:")
    assert "invalid YAML" in message


def test_missing_file_rejected(tmp_path):
    path = tmp_path / "waivers.yaml"

    with pytest.raises(ExpectationsError) as caught:
        load_waivers(path)

    assert str(caught.value) == (
        f"{path}: cannot read the waivers file (No such file or directory); "
        "check the path given to --waivers"
    )
