"""The nightly CI examples are valid YAML and run the suite the way the README does.

The README's commands are read at test time from its code blocks and inline code.
Until the README exists, the commands are checked against the Makefile's targets and
the options the suite's plugins register.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

import conformance.plugin
import conformance.reporting.plugin

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "ci-examples" / "github-actions.yml"
GITLAB = ROOT / "ci-examples" / "gitlab-ci.yml"
REPORTS = {"reports/conformance.html", "reports/junit.xml", "reports/results.json"}
SUITE_PROGRAMS = ("make", ".venv/bin/pytest")


def load(path: Path) -> dict:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path} is not a YAML mapping"
    return document


def github_jobs() -> dict:
    return load(GITHUB)["jobs"]


def gitlab_jobs() -> dict:
    return {
        name: job
        for name, job in load(GITLAB).items()
        if isinstance(job, dict) and "script" in job
    }


def github_commands() -> list[tuple[str, dict]]:
    """Return (command line, step) for every line of every `run` step."""
    commands = []
    for job in github_jobs().values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                commands.append((line.strip(), {**job.get("env", {}), **step}))
    return commands


def gitlab_commands() -> list[tuple[str, dict]]:
    commands = []
    for job in gitlab_jobs().values():
        for line in [*job.get("before_script", []), *job["script"]]:
            commands.append((line.strip(), job))
    return commands


def suite_calls(commands: list[tuple[str, dict]], variables: dict) -> list[list[str]]:
    """Return the make and pytest calls as argument lists, variables filled in."""
    calls = []
    for line, _context in commands:
        words = shlex.split(line)
        if words and words[0] in SUITE_PROGRAMS:
            calls.append([_expand(word, variables) for word in words])
    return calls


def _expand(word: str, variables: dict) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: str(variables.get(m[1], m[0])), word)


def github_variables() -> dict:
    return {k: v for job in github_jobs().values() for k, v in job["env"].items()}


def gitlab_variables() -> dict:
    return {k: v for job in gitlab_jobs().values() for k, v in job["variables"].items()}


def readme_calls() -> list[list[str]] | None:
    """Return the make and pytest calls the README shows, or None without a README.

    Calls come from code blocks and from inline code such as `make venv`; optional
    parts written in brackets (`[--env NAME]`) count as options the README shows.
    """
    readme = ROOT / "README.md"
    if not readme.is_file():
        return None
    texts = []
    in_block = False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_block = not in_block
        elif in_block:
            texts.append(line.strip().removeprefix("$ ").split(" #", 1)[0])
        else:
            texts.extend(re.findall(r"`([^`]+)`", line))
    calls = []
    for text in texts:
        first = text.split(maxsplit=1)[:1]
        if first and first[0] in SUITE_PROGRAMS:
            calls.append(shlex.split(text.replace("[", " ").replace("]", " ")))
    return calls


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*):", text, flags=re.MULTILINE))


class _OptionRecorder:
    def __init__(self) -> None:
        self.names: set[str] = set()

    def getgroup(self, *args, **kwargs):
        return self

    def addoption(self, *names, **kwargs) -> None:
        self.names.update(names)

    def addini(self, *args, **kwargs) -> None:
        pass


def suite_options() -> set[str]:
    recorder = _OptionRecorder()
    conformance.plugin.pytest_addoption(recorder)
    conformance.reporting.plugin.pytest_addoption(recorder)
    return recorder.names


def option_names(call: list[str]) -> set[str]:
    return {word.split("=", 1)[0] for word in call if word.startswith("--")}


PIPELINES = [
    pytest.param(github_commands, github_variables, id="github"),
    pytest.param(gitlab_commands, gitlab_variables, id="gitlab"),
]


def test_github_example_runs_nightly():
    document = load(GITHUB)
    # YAML 1.1, which PyYAML follows, reads the bare key `on` as the boolean true.
    triggers = document.get("on", document.get(True))

    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons
    assert all(len(cron.split()) == 5 for cron in crons)


def test_gitlab_example_runs_on_schedule():
    for job in gitlab_jobs().values():
        conditions = [rule.get("if", "") for rule in job["rules"]]
        assert '$CI_PIPELINE_SOURCE == "schedule"' in conditions


def test_github_example_keeps_reports():
    uploads = [
        step
        for job in github_jobs().values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@")
    ]

    assert len(uploads) == 1
    assert uploads[0]["if"] == "always()"
    assert set(uploads[0]["with"]["path"].split()) == REPORTS


def test_gitlab_example_keeps_reports():
    for job in gitlab_jobs().values():
        artifacts = job["artifacts"]
        assert artifacts["when"] == "always"
        assert set(artifacts["paths"]) == REPORTS
        assert artifacts["reports"]["junit"] == "reports/junit.xml"


@pytest.mark.parametrize(("commands", "variables"), PIPELINES)
def test_venv_made_before_suite(commands, variables):
    calls = suite_calls(commands(), variables())

    programs = [call[0] for call in calls]
    assert calls[0] == ["make", "venv"]
    assert programs.count(".venv/bin/pytest") == 1


@pytest.mark.parametrize(("commands", "variables"), PIPELINES)
def test_make_targets_match_readme(commands, variables):
    readme = readme_calls()
    targets = makefile_targets()

    for call in suite_calls(commands(), variables()):
        if call[0] != "make":
            continue
        assert set(call[1:]) <= targets, f"{call} names a target not in the Makefile"
        if readme is not None:
            assert call in readme, f"{shlex.join(call)} is not a README command"


@pytest.mark.parametrize(("commands", "variables"), PIPELINES)
def test_pytest_called_like_readme(commands, variables):
    readme = readme_calls()
    environments = load(ROOT / "expectations.yaml")["environments"]

    for call in suite_calls(commands(), variables()):
        if call[0] != ".venv/bin/pytest":
            continue
        env = call[call.index("--env") + 1]
        assert env in environments
        if readme is None:
            assert option_names(call) <= suite_options()
            continue
        readme_pytest = [c for c in readme if c[0] == ".venv/bin/pytest"]
        assert any("--env" in c for c in readme_pytest)
        known = set().union(*(option_names(c) for c in readme_pytest))
        assert option_names(call) <= known, f"{shlex.join(call)} differs from README"


@pytest.mark.parametrize(("commands", "variables"), PIPELINES)
def test_suite_failure_fails_pipeline(commands, variables):
    for line, context in commands():
        if line.startswith(".venv/bin/pytest"):
            assert "||" not in line
            assert not context.get("continue-on-error", False)
            assert not context.get("allow_failure", False)
