from tests.unse.readings.llm_fixtures import isolated_flights, llm, providers  # noqa: F401 - fixtures
