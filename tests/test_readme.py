"""The README's test command is exactly what CI runs."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", markdown, flags=re.S)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = _commands(readme)
    assert len(commands) == 2, commands  # exactly two set-up commands
    install_and_launch, install_and_test = commands
    assert install_and_launch.strip().endswith("companion")
    ci = (ROOT / ".ci" / "run").read_text()
    assert install_and_test.strip() in ci.splitlines()


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text()
    for command in ("progress", "show characters", "show character", "show relationships",
                    "show threads", "show episodes", "show recap", "export", "validate", "audit",
                    "where", "serve"):
        assert f"companion {command}" in readme, command
