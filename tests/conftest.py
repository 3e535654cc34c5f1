"""Shared pytest fixtures for the whole suite (tests mirror the source tree below this folder)."""

pytest_plugins = ["tests.fakellm_fixture"]
