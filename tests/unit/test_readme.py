"""CI runs exactly the README's test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    tests_section = readme.split("## Tests", 1)[1]
    command = tests_section.split("```sh\n", 1)[1].split("\n```", 1)[0].strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command.endswith("python -m pytest")
    assert command in ci_lines
