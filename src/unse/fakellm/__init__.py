"""OpenAI-compatible test double for the LLM providers (`python -m unse.fakellm --port N`)."""

from unse.fakellm.scenario import Fault, Scenario
from unse.fakellm.server import FakeLLM, serve

__all__ = ["FakeLLM", "Fault", "Scenario", "serve"]
