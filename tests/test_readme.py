"""The README's settings table names every environment variable the service reads."""

from app.config import REPO_ROOT, Settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if f"| `{name.upper()}` |" not in readme]
    assert not missing, f"settings missing from the README's table: {missing}"
