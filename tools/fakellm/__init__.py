"""OpenAI-compatible test double for the LLM providers (`python -m tools.fakellm --port N`)."""

from tools.fakellm.scenario import Fault, Scenario
from tools.fakellm.server import FakeLLM, serve

__all__ = ["FakeLLM", "Fault", "Scenario", "serve"]
