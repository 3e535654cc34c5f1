"""Development and benchmark tools of this repository (not shipped in the wheel: pyproject.toml packages
only src/saju and src/unse). Run them from the repository root, e.g. `python -m tools.fakellm`."""
